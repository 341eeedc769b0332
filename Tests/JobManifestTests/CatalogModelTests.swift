import Foundation
import JSON
import JobManifest
import ModelCatalog
import Testing
import YAML

/// Manifests of models the shipped snapshot does not hold, read from a catalogue made up here: a float field, a
/// string-enum duration with "auto", an image array with maxItems, a required media field, and an image model
/// priced per output.
@Suite("Manifests of any catalogue model")
struct CatalogModelTests {
    static let catalogText = """
        {"models": [
         {"model_id": "acme/motion-1/image-to-video", "kind": "model", "price_unit": "second", "base_price_usd": 0.05,
          "categories": ["image-to-video"],
          "input_schema": {"type": "object", "required": ["prompt", "start_frame"], "properties": {
            "prompt": {"type": "string", "maxLength": 500},
            "start_frame": {"type": "string", "format": "image_uri"},
            "duration": {"type": "string", "enum": ["auto", "4", "8", "12"], "default": "auto"},
            "guidance": {"type": "float", "minimum": 0, "maximum": 2, "default": 0.75},
            "references": {"type": "array", "format": "image_uris", "maxItems": 2},
            "negative_prompt": {"type": "string", "default": ""},
            "seed": {"type": "integer", "default": 0, "x-ui": "slider"}
          }}},
         {"model_id": "acme/still-2/text-to-image", "kind": "model", "price_unit": "output", "base_price_usd": 0.03,
          "categories": ["text-to-image"],
          "input_schema": {"type": "object", "required": ["prompt"], "properties": {
            "prompt": {"type": "string"},
            "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
            "style": {"type": "string", "enum": ["photo", "ink", "clay"], "default": "photo"}
          }}},
         {"model_id": "acme/voice-1/text-to-speech", "kind": "model", "price_unit": "output", "categories": [],
          "input_schema": {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string", "minLength": 1}, "sample": {"type": "string", "format": "audio_uri"}
          }}}
        ]}
        """

    static let registry: ModelRegistry = {
        let catalog = try! Catalog(json: JSONValue.parse(catalogText), source: "made-up.json")
        return ModelRegistry(catalog: catalog)
    }()

    /// A folder with a PNG, a second PNG, an MP4 and a WAV, recognised by their first bytes.
    static func mediaFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        try Data(png + [1]).write(to: url.appendingPathComponent("a.png"))
        try Data(png + [2]).write(to: url.appendingPathComponent("b.png"))
        try Data([0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0]).write(to: url.appendingPathComponent("clip.mp4"))
        try Data(Array("RIFF".utf8) + [36, 0, 0, 0] + Array("WAVEfmt ".utf8)).write(to: url.appendingPathComponent("voice.wav"))
        return url
    }

    private func read(_ text: String, folder: URL) throws(ManifestError) -> Manifest {
        try ManifestReader(models: Self.registry).read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder.path)
    }

    private func diagnostics(_ text: String, folder: URL) -> [Diagnostic] {
        do {
            return try read(text, folder: folder).warnings
        } catch {
            return error.diagnostics
        }
    }

    @Test("every diagnostic at its line, for every model: type, range, enum, unknown field from that model's fields, required, media kind, item limits, output names, unused defaults")
    func diagnosticsAtTheirLines() throws {
        let folder = try Self.mediaFolder()
        let text = """
            version: 1
            defaults:
              guidance: 0.5
              style: ink
              shot_type: intelligent
              stlye: clay
            scenes:
              - id: boards
                model: acme/still-2/text-to-image
                shots:
                  - id: wide
                    prompt: A wide establishing shot.
                    num_images: 3
                  - id: WIDE-2
                    prompt: Another.
                  - id: close
                    prompt: Close.
                    style: watercolour
                    num_images: 5
              - id: clips
                model: acme/motion-1/image-to-video
                shots:
                  - id: a
                    prompt: Go.
                    start_frame: a.png
                    duration: 6
                    guidance: 2.5
                    references: [a.png, b.png, a.png]
                    strat_frame: b.png
                  - id: b
                    prompt: Go.
                  - id: c
                    prompt: Go.
                    start_frame: clip.mp4
                    guidance: "0.5"
                  - id: d
                    prompt: Go.
                    start_frame: a.png
                    duration: 8
                    seed: 1.5
                    references: a.png
            """
        let found = diagnostics(text, folder: folder)
        let expected: [(Int, Severity, String)] = [
            (5, .warning, "the default 'shot_type' applies to no shot"),
            (6, .error, "unknown key 'stlye' in defaults; did you mean 'style'?"),
            (11, .error, "shot 'wide' makes 3 outputs, named 'wide-1' to 'wide-3', and shot 'WIDE-2' in scene 'boards' makes a file of the same name"),
            (18, .error, "style must be one of photo, ink, clay, found 'watercolour'"),
            (19, .error, "num_images 5 is out of range 1..4"),
            (26, .error, "duration must be one of auto, 4, 8, 12, found 6"),
            (27, .error, "guidance 2.5 is out of range 0..2"),
            (28, .error, "references has 3 items; at most 2 items are allowed"),
            (29, .error, "unknown key 'strat_frame' in shot 'a' (model acme/motion-1/image-to-video); did you mean 'start_frame'?"),
            (30, .error, "shot 'b' is missing required 'start_frame'"),
            (34, .error, "start_frame 'clip.mp4' is a video file (video/mp4, by its bytes); start_frame takes an image (PNG, JPEG or WebP)"),
            (35, .error, "guidance must be a number, found the string \"0.5\""),
            (40, .error, "seed must be an integer, found the number 1.5"),
            (41, .error, "references must be a sequence, found a string"),
        ]
        #expect(found.count == expected.count, "\(found.map { "\($0.mark?.line ?? 0): \($0.message)" })")
        for (line, severity, gist) in expected {
            #expect(
                found.contains { $0.mark?.line == line && $0.severity == severity && $0.message.hasPrefix(gist) },
                "no \(severity) at line \(line) starting '\(gist)' in \(found.map { "\($0.mark?.line ?? 0): \($0.message)" })"
            )
        }
        let collision = try #require(found.first { $0.code == "manifest.output_name" })
        #expect(collision.notes.map(\.mark.line) == [14])
    }

    @Test("a default the model has but rejects: an error at the default, a note at the shot that inherits it")
    func rejectedDefault() throws {
        let folder = try Self.mediaFolder()
        let text = """
            version: 1
            defaults:
              duration: 20
            shots:
              - id: seed-shot
                image: a.png
                prompt: Seed.
              - id: motion
                model: acme/motion-1/image-to-video
                prompt: Go.
                start_frame: a.png
              - id: still
                model: acme/still-2/text-to-image
                prompt: Still.
            """
        let found = diagnostics(text, folder: folder)
        let seed = try #require(found.first { $0.message == "duration 20 is out of range 3..15" })
        #expect(seed.mark?.line == 3)
        #expect(seed.notes.map(\.mark.line) == [5])
        #expect(seed.notes.first?.message == "inherited by shot 'seed-shot'")
        let motion = try #require(found.first { $0.message.hasPrefix("duration must be one of auto, 4, 8, 12, found 20") })
        #expect(motion.mark?.line == 3)
        #expect(motion.notes.map(\.mark.line) == [8])
        #expect(motion.notes.first?.message == "inherited by shot 'motion', which renders with acme/motion-1/image-to-video")
        #expect(found.count == 2, "the image model has no duration: the default is skipped for it, \(found.map(\.message))")
    }

    @Test("the model is resolved through every level, the nearest winning")
    func modelLevels() throws {
        let folder = try Self.mediaFolder()
        let text = """
            version: 1
            model: acme/motion-1/image-to-video
            shots:
              - {id: top, prompt: A., start_frame: a.png}
              - {id: own, model: acme/still-2/text-to-image, prompt: B.}
            scenes:
              - id: plain
                shots:
                  - {id: inherits, prompt: C., start_frame: a.png}
              - id: named
                model: acme/still-2/text-to-image
                shots:
                  - {id: scene, prompt: D.}
                  - {id: seed, model: kling/kling-video-o3/pro/image-to-video, image: a.png, prompt: E.}
              - id: by-defaults
                defaults: {model: acme/voice-1/text-to-speech, text: Hello.}
                shots:
                  - {id: voice, sample: voice.wav}
            """
        let manifest = try read(text, folder: folder)
        let models = Dictionary(uniqueKeysWithValues: manifest.jobs.map { ($0.id, $0.body.schema.modelID) })
        #expect(models == [
            "top": "acme/motion-1/image-to-video",
            "own": "acme/still-2/text-to-image",
            "plain/inherits": "acme/motion-1/image-to-video",
            "named/scene": "acme/still-2/text-to-image",
            "named/seed": "kling/kling-video-o3/pro/image-to-video",
            "by-defaults/voice": "acme/voice-1/text-to-speech",
        ])
        #expect(manifest.schema.modelID == "acme/motion-1/image-to-video")
        #expect(manifest.models.map(\.modelID) == [
            "acme/motion-1/image-to-video", "acme/still-2/text-to-image", "kling/kling-video-o3/pro/image-to-video", "acme/voice-1/text-to-speech",
        ])
        let voice = try #require(manifest.jobs.last)
        guard case .media(.file(let sample)) = voice.body["sample"] else {
            Issue.record("the sample is not a local file: \(voice.body["sample"])")
            return
        }
        #expect(sample.mediaType == "audio/wav")
        #expect(voice.body.schema.outputKind == .audio)

        // `defaults.model` alone chooses for the top level; with a top-level `model` too, the model is named twice.
        let byDefaults = try read("version: 1\ndefaults: {model: acme/still-2/text-to-image}\nshots:\n  - {id: x, prompt: X.}\n", folder: folder)
        #expect(byDefaults.jobs.map(\.body.schema.modelID) == ["acme/still-2/text-to-image"])
        let twice = diagnostics("version: 1\nmodel: acme/motion-1/image-to-video\ndefaults: {model: acme/still-2/text-to-image}\nshots:\n  - {id: x, prompt: X.}\n", folder: folder)
        #expect(twice.map { $0.mark?.line ?? 0 } == [3] && twice.first?.notes.map(\.mark.line) == [2], "\(twice.map(\.message))")
    }

    @Test("an unknown model: did-you-mean over the known ids, a hint to refresh, its shots unchecked")
    func unknownModel() throws {
        let folder = try Self.mediaFolder()
        let found = diagnostics("version: 1\nshots:\n  - {id: x, model: acme/motion-2/image-to-video, prompt: X., nonsense: 1}\n", folder: folder)
        #expect(found.count == 1)
        let message = try #require(found.first?.message)
        #expect(message.hasPrefix("unknown model 'acme/motion-2/image-to-video': it is not in the catalogue made-up.json; did you mean 'acme/motion-1/image-to-video'?"))
        #expect(message.contains("shotrunner models refresh"))
    }

    @Test("bodies: schema defaults written (not media, not empty strings), floats in their shortest form, the string enum as written")
    func bodies() throws {
        let folder = try Self.mediaFolder()
        let text = """
            version: 1
            model: acme/motion-1/image-to-video
            shots:
              - {id: a, prompt: Go., start_frame: a.png, references: [b.png, "https://x.example/r.png"]}
              - {id: b, prompt: Go., start_frame: a.png, duration: 8, guidance: 1.0, seed: 7}
              - {id: c, prompt: Go., start_frame: a.png, duration: 8, guidance: 1, seed: 7}
              - {id: d, prompt: Go., start_frame: a.png, guidance: 0.1}
            """
        let manifest = try read(text, folder: folder)
        let a = manifest.jobs[0].body.json(images: .digest).compact
        let aHash = try Self.sha256(folder.appendingPathComponent("a.png"))
        let bHash = try Self.sha256(folder.appendingPathComponent("b.png"))
        #expect(a == #"{"duration":"auto","guidance":0.75,"prompt":"Go.","references":["sha256:\#(bHash)","https://x.example/r.png"],"seed":0,"start_frame":"sha256:\#(aHash)"}"#)
        let b = manifest.jobs[1].body.json(images: .digest).compact
        #expect(b.contains(#""duration":"8","guidance":1,"#))
        #expect(manifest.jobs[1].key == manifest.jobs[2].key, "guidance 1.0 and 1 are one value, one key")
        #expect(manifest.jobs[3].body.json(images: .digest).compact.contains(#""guidance":0.1,"#))
    }

    @Test("estimates: per second (a string duration read as a number, auto the largest, as a bound) and per output")
    func estimates() throws {
        let folder = try Self.mediaFolder()
        let text = """
            version: 1
            shots:
              - {id: auto, model: acme/motion-1/image-to-video, prompt: Go., start_frame: a.png}
              - {id: eight, model: acme/motion-1/image-to-video, prompt: Go., start_frame: a.png, duration: 8}
              - {id: three, model: acme/still-2/text-to-image, prompt: Still., num_images: 3}
              - {id: one, model: acme/still-2/text-to-image, prompt: Still.}
              - {id: voice, model: acme/voice-1/text-to-speech, text: Hi.}
            """
        let manifest = try read(text, folder: folder)
        let prices = PriceList.estimate
        let estimates = manifest.jobs.map { prices.price(for: $0.body.schema).cost(of: $0.body) }
        #expect(estimates[0] == ModelPrice.Estimate(usd: 0.05 * 12, isBound: true))
        #expect(estimates[1] == ModelPrice.Estimate(usd: 0.05 * 8, isBound: false))
        #expect(estimates[2] == ModelPrice.Estimate(usd: 0.03 * 3, isBound: false))
        #expect(estimates[3] == ModelPrice.Estimate(usd: 0.03, isBound: false))
        #expect(estimates[4] == nil, "no price published: unknown, not zero")
        #expect(prices.price(for: manifest.jobs[4].body.schema).source == .unknown)
        #expect(manifest.jobs.map(\.body.outputs) == [1, 1, 3, 1, 1])
        #expect(manifest.jobs[0].body.duration == 12 && manifest.jobs[1].body.duration == 8)
        #expect(manifest.totalSeconds == 20)
        // The seed keeps its own formula: 5 s at the estimate, sound 25% more.
        let seed = try read("version: 1\nshots:\n  - {id: s, image: a.png, prompt: p, sound: true}\n", folder: folder)
        #expect(prices.price(for: seed.jobs[0].body.schema).cost(of: seed.jobs[0].body) == ModelPrice.Estimate(usd: 5 * 0.112 * 1.25, isBound: false))
    }

    @Test("local media of every kind by their bytes, each within its kind's limit")
    func mediaKinds() throws {
        let folder = try Self.mediaFolder()
        var big = [UInt8]([0, 0, 0, 0x18] + Array("ftypisom".utf8))
        big += [UInt8](repeating: 0, count: 7 * 1024 * 1024)
        try Data(big).write(to: folder.appendingPathComponent("big.mp4"))
        var bigPNG: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bigPNG += [UInt8](repeating: 0, count: 7 * 1024 * 1024)
        try Data(bigPNG).write(to: folder.appendingPathComponent("big.png"))
        try Data("not media".utf8).write(to: folder.appendingPathComponent("notes.wav"))
        let text = """
            version: 1
            shots:
              - {id: a, model: acme/voice-1/text-to-speech, text: Hi., sample: voice.wav}
              - {id: b, model: acme/voice-1/text-to-speech, text: Hi., sample: notes.wav}
              - {id: c, model: acme/voice-1/text-to-speech, text: Hi., sample: a.png}
              - {id: d, model: acme/motion-1/image-to-video, prompt: Go., start_frame: big.png}
              - {id: e, model: acme/voice-1/text-to-speech, text: Hi., sample: big.mp4}
            """
        let found = diagnostics(text, folder: folder).map { ($0.mark?.line ?? 0, $0.message) }
        #expect(found.count == 4, "\(found)")
        #expect(found.contains { $0 == (4, "sample 'notes.wav' is not a WAV, MP3, OGG, FLAC or M4A file (judged by its bytes)") })
        #expect(found.contains { $0 == (5, "sample 'a.png' is an image file (image/png, by its bytes); sample takes an audio (WAV, MP3, OGG, FLAC or M4A)") })
        #expect(found.contains { $0 == (6, "start_frame 'big.png' is 7.0 MiB; an image may be at most 6 MiB") })
        #expect(found.contains { $0.0 == 7 && $0.1.hasPrefix("sample 'big.mp4' is a video file") })
    }

    static func sha256(_ url: URL) throws -> String {
        let result = try ManifestReader().read(
            .text("version: 1\nshots:\n  - {id: h, image: \(url.lastPathComponent), prompt: p}\n", name: "h.yaml"), name: "h.yaml",
            folder: url.deletingLastPathComponent().path
        )
        guard case .media(.file(let file)) = result.jobs[0].body["image"] else { return "" }
        return file.sha256
    }
}
