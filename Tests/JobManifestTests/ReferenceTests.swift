import Foundation
import JSON
import JobManifest
import Testing
import YAML

/// References to other jobs' outputs: every error `validate` reports at its line, references through anchors and
/// defaults, the keys of dependents, and shards that keep each connected group together.
@Suite("References between jobs")
struct ReferenceTests {
    private func read(_ text: String) throws(ManifestError) -> Manifest {
        try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: "/")
    }

    private func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try read(text)
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }
        }
    }

    @Test("validate reports every reference error at its line: unknown id, take-less reference, kind, frame from a non-video, time past the end, output, cycles")
    func errorsAtTheirLines() {
        let text = """
            version: 1
            scenes:
              - id: keys
                model: bytedance/seedream-5.0-pro/text-to-image
                shots:
                  - {id: tower, prompt: a tower}
                  - {id: storm, prompt: a storm, takes: 2}
            shots:
              - {id: a, image: {from: keys/towr}, prompt: x}
              - {id: b, image: {from: keys/storm}, prompt: x}
              - {id: c, image: {from: a}, prompt: x}
              - {id: d, image: {from: a, frame: 9}, prompt: x}
              - {id: e, image: {from: keys/tower, frame: last}, prompt: x}
              - {id: f, image: {from: keys/tower, output: 2}, prompt: x}
              - {id: g, image: {from: g, frame: first}, prompt: x}
              - {id: h, image: {from: i, frame: last}, prompt: x}
              - {id: i, image: {from: j, frame: 1}, prompt: x}
              - {id: j, image: {from: h, frame: 2}, prompt: x}
              - {id: k, image: {from: a, frame: middle}, prompt: x}
              - {id: l, image: {from: a, frame: last, outptu: 2}, prompt: x}
              - {id: m, image: {frame: last}, prompt: x}
              - {id: n, image: {from: keys/storm~2}, end_image: {from: a, frame: 4.5}, prompt: ok}

            """
        let found = errors(text).map { (line: $0.mark?.line ?? 0, message: $0.message) }
        let expected: [(Int, String)] = [
            (9, "'keys/towr', which is no job of this manifest; did you mean 'keys/tower'?"),
            (10, "'keys/storm', which has 2 takes: reference one of them ('keys/storm~1' to 'keys/storm~2')"),
            (11, "image takes an image, and 'a' renders a video"),
            (12, "the frame at 9 s of 'a', past its end: it is planned 5 s long"),
            (13, "a frame of 'keys/tower', which renders an image"),
            (14, "output 2 of 'keys/tower', which makes 1 output"),
            (15, "shot 'g' takes its own output"),
            (16, "a cycle of references: h → i → j → h"),
            (19, "image.frame must be first, last or a time in seconds, found 'middle'"),
            (20, "unknown key 'outptu' in the reference of image; did you mean 'output'?"),
            (21, "missing required 'from'"),
        ]
        for (line, message) in expected {
            #expect(found.contains { $0.line == line && $0.message.contains(message) }, "line \(line): \(message)\nfound: \(found)")
        }
        #expect(found.count == expected.count, "\(found)")
        // The cycle lists each reference's line: the error at h's, notes at i's and j's.
        let cycle = errors(text).first { $0.message.contains("a cycle of references: h → i") }
        #expect(cycle?.notes.map(\.mark.line) == [17, 18])
    }

    @Test("anchors and defaults carry references like any other value; every take of a dependent shot waits on the same sources")
    func anchorsAndDefaults() throws {
        let text = """
            version: 1
            shots:
              - {id: kf, model: bytedance/seedream-5.0-pro/text-to-image, prompt: key}
              - {id: a, image: https://x.example/a.png, prompt: a}
            scenes:
              - id: s
                defaults: {end_image: {from: kf}}
                shots:
                  - {id: one, image: &last {from: a, frame: last}, prompt: one, takes: 2}
                  - {id: two, image: *last, prompt: two}

            """
        let manifest = try read(text)
        #expect(manifest.hasReferences)
        let byID = Dictionary(uniqueKeysWithValues: manifest.jobs.map { ($0.id, $0) })
        #expect(byID["s/one~1"]?.sources == ["a", "kf"])
        #expect(byID["s/one~2"]?.sources == ["a", "kf"])
        #expect(byID["s/two"]?.sources == ["a", "kf"])
        #expect(byID["s/two"]?.keyText == "after:a,kf")
        #expect(byID["a"]?.sources == [] && byID["a"]?.keyText.hasPrefix("v1:") == true)
        let reference = try #require(byID["s/two"]?.body.references.first)
        #expect(reference.job == "a" && reference.frame == .last)
        // Plan's JSON shows the reference as written.
        let json = try #require(byID["s/two"]?.body.json(images: .fileURL))
        #expect(json["image"]?["from"]?.string == "a" && json["image"]?["frame"]?.string == "last")
        #expect(json["end_image"]?["from"]?.string == "kf")
    }

    @Test("a dependent's key covers its sources' digests and the frame's selector, never the bytes of the extracted frame")
    func keysOverSourceDigests() throws {
        let text = """
            version: 1
            shots:
              - {id: a, image: https://x.example/a.png, prompt: a}
              - {id: b, image: {from: a, frame: last}, prompt: b}
              - {id: c, image: {from: a, frame: first}, prompt: b}

            """
        let manifest = try read(text)
        func resolved(_ job: Job, _ digest: String, file: LocalMedia? = nil) -> Job {
            job.resolved(job.body.replacingMedia { media in
                guard case .reference(let reference) = media else { return nil }
                return .resolved(ResolvedInput(reference: reference, sourceSHA256: digest, file: file))
            })
        }
        let b = manifest.jobs[1]
        let c = manifest.jobs[2]
        let one = resolved(b, String(repeating: "1", count: 64))
        #expect(!one.isWaiting && one.keyText.hasPrefix("v1:"))
        #expect(one.body.json(images: .digest)["image"]?.string == "sha256:" + String(repeating: "1", count: 64) + "#last")
        // Another source render: another key. The same source: the same key, whatever frame file is attached.
        #expect(resolved(b, String(repeating: "2", count: 64)).key != one.key)
        let frame = LocalMedia(path: "/tmp/x.png", sha256: String(repeating: "f", count: 64), byteCount: 10, mediaType: "image/png")
        #expect(resolved(b, String(repeating: "1", count: 64), file: frame).key == one.key)
        // Another frame of the same source (and the same prompt): another key.
        #expect(resolved(c, String(repeating: "1", count: 64)).key != one.key)
        // The canonical bytes and the JSON form agree (the hot path and the tree).
        let canonical = one.body.json(images: .digest).compact
        #expect(one.key == JobKey(modelID: one.body.schema.modelID, canonicalBody: canonical, take: 1))
    }

    @Test("sharding keeps each connected group in the shard of its first job; shards stay disjoint and complete")
    func shardsKeepGroups() throws {
        var text = "version: 1\nshots:\n"
        for chain in 0..<30 {
            text += "  - {id: head\(chain), image: https://x.example/\(chain).png, prompt: h}\n"
            text += "  - {id: solo\(chain), image: https://x.example/s\(chain).png, prompt: s}\n"
            text += "  - {id: tail\(chain), image: {from: head\(chain), frame: last}, prompt: t}\n"
            text += "  - {id: end\(chain), image: {from: tail\(chain), frame: last}, end_image: {from: head\(chain), frame: first}, prompt: e}\n"
        }
        let manifest = try read(text)
        let count = 3
        let shards = (1...count).map { manifest.jobs(in: Shard(index: $0, count: count)!).map(\.id) }
        let all = shards.flatMap { $0 }
        #expect(all.count == manifest.jobs.count && Set(all) == Set(manifest.jobs.map(\.id)), "disjoint and complete")
        for chain in 0..<30 {
            let home = try #require(shards.firstIndex { $0.contains("head\(chain)") })
            #expect(shards[home].contains("tail\(chain)") && shards[home].contains("end\(chain)"))
            #expect(Shard(index: home + 1, count: count)!.contains("head\(chain)"), "the group's shard is its first job's")
        }
        // The split is not degenerate: every shard holds some groups.
        #expect(shards.allSatisfy { !$0.isEmpty })
        // Without references, the split is by each job's own id, as before.
        let plain = try read("version: 1\nshots:\n" + (0..<50).map { "  - {id: p\($0), image: https://x.example/\($0).png, prompt: p}\n" }.joined())
        let firstShard = plain.jobs(in: Shard(index: 1, count: count)!).map(\.id)
        #expect(firstShard == plain.jobs.map(\.id).filter { Shard(index: 1, count: count)!.contains($0) })
    }

    @Test("the graph orders sources before dependents and ranks the critical path")
    func orderAndRank() throws {
        let text = """
            version: 1
            shots:
              - {id: late, image: {from: early, frame: last}, prompt: l}
              - {id: solo, image: https://x.example/s.png, prompt: s}
              - {id: early, image: https://x.example/e.png, prompt: e}
              - {id: last, image: {from: late, frame: last}, prompt: z}

            """
        let manifest = try read(text)
        #expect(manifest.inDependencyOrder().jobs.map(\.id) == ["solo", "early", "late", "last"])
        let graph = StoryboardGraph(manifest.jobs)
        #expect(graph.rank == [2, 1, 3, 1])
    }
}
