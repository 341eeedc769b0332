import Foundation
import JobManifest
import Testing
import YAML

@Suite("Expansion: defaults, takes, scenes, segments")
struct ExpansionTests {
    private func read(_ text: String, folder: String = "/nonexistent") throws(ManifestError) -> Manifest {
        try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder)
    }

    @Test("defaults layer top, then scene, then shot; schema defaults fill the rest")
    func layering() throws {
        let manifest = try read("""
            version: 1
            defaults: {duration: 7, sound: true}
            scenes:
              - id: market
                defaults: {duration: 9, shot_type: intelligent}
                shots:
                  - {id: a, image: https://x.example/a.png, prompt: p}
                  - {id: b, image: https://x.example/b.png, prompt: p, duration: 3, sound: false}
            shots:
              - {id: c, image: https://x.example/c.png, prompt: p}
            """)
        #expect(manifest.jobs.map(\.id) == ["market/a", "market/b", "c"])
        let a = manifest.jobs[0].body
        #expect(a.duration == 9 && a.sound && a["shot_type"] == .string("intelligent"))
        let b = manifest.jobs[1].body
        #expect(b.duration == 3 && !b.sound && b["shot_type"] == .string("intelligent"))
        let c = manifest.jobs[2].body
        #expect(c.duration == 7 && c.sound && c["shot_type"] == .string("customize"))
    }

    @Test("takes expand to ~1..~N with take numbers; takes: 1 adds no suffix")
    func takes() throws {
        let manifest = try read("""
            version: 1
            shots:
              - {id: a, image: https://x.example/a.png, prompt: p, takes: 3}
              - {id: b, image: https://x.example/b.png, prompt: p, takes: 1}
            """)
        #expect(manifest.jobs.map(\.id) == ["a~1", "a~2", "a~3", "b"])
        #expect(manifest.jobs.map(\.take) == [1, 2, 3, 1])
        // Takes share a body but not a key.
        #expect(manifest.jobs[0].body == manifest.jobs[1].body)
        #expect(manifest.jobs[0].key != manifest.jobs[1].key)
        #expect(manifest.shotCount == 2 && manifest.jobCount == 4)
    }

    @Test("a shot with segments lasts their sum; an inherited duration does not apply to it")
    func segmentsDuration() throws {
        let manifest = try read("""
            version: 1
            defaults: {duration: 5}
            shots:
              - id: a
                image: https://x.example/a.png
                prompt: p
                multi_prompt: [{prompt: one, duration: 4}, {prompt: two}]
              - id: b
                image: https://x.example/b.png
                prompt: p
                multi_prompt: []
            """)
        #expect(manifest.jobs[0].body.duration == 9)
        #expect(manifest.jobs[0].body.segments.map(\.duration) == [4, 5])
        #expect(manifest.jobs[1].body.duration == 5)
        #expect(manifest.jobs[1].body["multi_prompt"] == .absent)
        #expect(manifest.totalSeconds == 14)
    }

    @Test("writing a default out explicitly changes neither the body nor the key")
    func explicitDefaults() throws {
        let implicit = try read("version: 1\nshots:\n  - {id: a, image: https://x.example/a.png, prompt: p}\n")
        let explicit = try read("""
            version: 1
            model: kling/kling-video-o3/pro/image-to-video
            shots:
              - {id: a, image: https://x.example/a.png, prompt: p, duration: 5, sound: false, shot_type: customize, takes: 1, multi_prompt: []}
            """)
        #expect(implicit.jobs[0].key == explicit.jobs[0].key)
        #expect(implicit.jobs[0].body == explicit.jobs[0].body)
    }

    @Test("an edit to any field changes the key", arguments: [
        "prompt: q", "duration: 6", "sound: true", "shot_type: intelligent", "end_image: https://x.example/e.png",
        "image: https://x.example/b.png",
    ])
    func editsChangeKey(edit: String) throws {
        let base = try read("version: 1\nshots:\n  - id: a\n    image: https://x.example/a.png\n    prompt: p\n")
        let field = edit.split(separator: ":")[0]
        let text = "version: 1\nshots:\n  - id: a\n    image: https://x.example/a.png\n    prompt: p\n"
            .split(separator: "\n").filter { !$0.hasPrefix("    \(field):") }.joined(separator: "\n") + "\n    \(edit)\n"
        let edited = try read(text)
        #expect(base.jobs[0].key != edited.jobs[0].key)
    }

    @Test("anchors, aliases and merge keys work inside manifests")
    func mergeKeys() throws {
        let manifest = try read("""
            version: 1
            defaults: &base {duration: 8, sound: true}
            shots:
              - <<: *base
                id: a
                image: &img https://x.example/a.png
                prompt: p
                sound: false
              - {<<: *base, id: b, image: *img, prompt: q}
            """)
        #expect(manifest.jobs.map(\.body.duration) == [8, 8])
        #expect(manifest.jobs.map(\.body.sound) == [false, true])
        #expect(manifest.jobs[1].body["image"] == .media(.url("https://x.example/a.png")))
    }

    @Test("plain scalars are taken as written where a string is wanted")
    func plainScalarsAsWritten() throws {
        let manifest = try read("version: 1\nshots:\n  - {id: 001, image: https://x.example/a.png, prompt: 2024}\n")
        #expect(manifest.jobs[0].id == "001")
        #expect(manifest.jobs[0].body["prompt"] == .string("2024"))
    }

    @Test("jobs come in file order: scenes before shots when written first")
    func fileOrder() throws {
        let manifest = try read("""
            version: 1
            scenes:
              - {id: s, shots: [{id: x, image: https://x.example/a.png, prompt: p}]}
            shots:
              - {id: y, image: https://x.example/a.png, prompt: p}
            """)
        #expect(manifest.jobs.map(\.id) == ["s/x", "y"])
    }

    @Test("the same error reached through an alias is reported once")
    func aliasErrorsOnce() {
        do {
            _ = try read("""
                version: 1
                shots:
                  - {id: a, image: https://x.example/a.png, prompt: p, <<: &bad {duration: 99}}
                  - {id: b, image: https://x.example/a.png, prompt: p, <<: *bad}
                """)
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.count == 1)
        }
    }
}
