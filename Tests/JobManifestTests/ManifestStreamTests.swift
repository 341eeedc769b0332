import Foundation
@testable import JobManifest
import Testing
import YAML

/// Reading a manifest while it streams must give exactly what decoding its whole tree gives, for every layout.
@Suite("Manifests decoded as they stream")
struct ManifestStreamTests {
    /// The jobs, or the diagnostics, of one read.
    private struct Outcome: Equatable {
        var jobs: [Job] = []
        var keys: [String] = []
        var counts: [Int] = []
        var diagnostics: [Diagnostic] = []
    }

    /// One registry for both reads: bodies compare their models by identity.
    private static let registry = ModelRegistry()

    private static func read(_ input: Input, streams: Bool, folder: String = "/tmp") -> Outcome {
        var reader = ManifestReader(models: registry)
        reader.streams = streams
        do {
            let manifest = try reader.read(input, name: input.name, folder: folder)
            return Outcome(
                jobs: manifest.jobs, keys: manifest.jobs.map(\.keyText),
                counts: [manifest.shotCount, manifest.jobCount, manifest.totalSeconds], diagnostics: manifest.warnings
            )
        } catch {
            return Outcome(diagnostics: error.diagnostics)
        }
    }

    private static func both(_ text: String) -> (streamed: Outcome, whole: Outcome) {
        (read(.text(text, name: "m.yaml"), streams: true), read(.text(text, name: "m.yaml"), streams: false))
    }

    /// What the stream made of a text, without finishing the read.
    private static func stream(_ text: String) throws -> ManifestStream {
        let stream = ManifestStream(ManifestDecoder(manifestFolder: "/tmp", collectsJobs: true, registry: ModelRegistry()))
        _ = try Loader().loadSingle(.text(text), consumer: stream)
        return stream
    }

    static let fixtures = ["valid", "invalid", "fuzz"].flatMap { Fixture.all($0) }

    @Test("every fixture reads the same streamed as whole", arguments: fixtures)
    func fixture(_ fixture: Fixture) {
        let folder = fixture.url.deletingLastPathComponent().path
        let streamed = Self.read(.file(path: fixture.url.path), streams: true, folder: folder)
        let whole = Self.read(.file(path: fixture.url.path), streams: false, folder: folder)
        #expect(streamed == whole)
    }

    static let shot = "    image: https://cdn.example.com/a.png\n    prompt: a slow push-in\n"
    static let sceneShot = "        image: https://cdn.example.com/a.png\n        prompt: a slow push-in\n"

    @Test("a plain manifest streams: its shots leave the tree as they are decoded")
    func streams() throws {
        let text = "version: 1\ndefaults: {duration: 10}\nshots:\n  - id: a\n\(Self.shot)  - id: b\n\(Self.shot)"
        let stream = try Self.stream(text)
        #expect(stream.streamed && !stream.mustDecodeWhole)
        #expect(stream.decoder.jobs.map(\.id) == ["a", "b"])
        #expect(stream.decoder.totalSeconds == 20)
        let (streamed, whole) = Self.both(text)
        #expect(streamed == whole && streamed.jobs.count == 2)
    }

    static let seed = "kling/kling-video-o3/pro/image-to-video"
    static let kling3 = "kling/kling-3.0/pro/image-to-video"

    @Test("settings written after the shots, or a top-level merge, make the read start again whole", arguments: [
        ("version: 1\nshots:\n  - id: a\n\(shot)defaults: {duration: 10}\n", 10, seed),
        ("version: 1\nscenes:\n  - id: s\n    shots:\n      - {id: a, start_image_url: https://cdn.example.com/a.png, prompt: p}\nmodel: \(kling3)\n", 10, kling3),
        ("version: 1\n<<: {defaults: {duration: 10}}\nshots:\n  - id: a\n\(shot)", 10, seed),
        ("version: 1\nshots:\n  - id: a\n\(shot)<<: {defaults: {duration: 10}}\n", 10, seed),
    ])
    func restarts(_ text: String, seconds: Int, model: String) throws {
        let (streamed, whole) = Self.both(text)
        #expect(streamed == whole)
        // What came late was applied.
        #expect(streamed.counts.last == seconds, "\(streamed.diagnostics)")
        #expect(streamed.jobs.map(\.body.schema.modelID) == [model])
        #expect(try Self.stream(text).mustDecodeWhole)
    }

    @Test("a version after the shots, sections in either order, and a section written as an alias stream as well", arguments: [
        ("shots:\n  - id: a\n\(shot)version: 1\n", ["a"]),
        ("version: 1\nscenes:\n  - id: s\n    shots:\n      - id: a\n\(sceneShot)shots:\n  - id: b\n\(shot)", ["s/a", "b"]),
        ("version: 1\nscenes:\n  - id: s\n    shots: &l\n      - id: a\n\(sceneShot)shots: *l\n", ["s/a", "a"]),
    ])
    func layouts(_ text: String, ids: [String]) throws {
        let (streamed, whole) = Self.both(text)
        #expect(streamed == whole)
        #expect(streamed.jobs.map(\.id) == ids, "\(streamed.diagnostics)")
        let stream = try Self.stream(text)
        #expect(stream.streamed && !stream.mustDecodeWhole)
    }

    @Test("shots before scenes keep file order; scenes before shots too")
    func order() {
        let scene = "scenes:\n  - id: s\n    shots:\n      - id: a\n\(Self.sceneShot)"
        let shots = "shots:\n  - id: b\n\(Self.shot)"
        #expect(Self.both("version: 1\n" + scene + shots).streamed.jobs.map(\.id) == ["s/a", "b"])
        #expect(Self.both("version: 1\n" + shots + scene).streamed.jobs.map(\.id) == ["b", "s/a"])
    }

    @Test("a YAML error after streamed shots is the only diagnostic, as when read whole", arguments: [
        "version: 1\nshots:\n  - id: a\n\(shot)  - id: a\n\(shot)shots: []\n",
        "version: 1\nshots:\n  - id: a\n\(shot)  - id: b\n    prompt: [unclosed\n",
        "version: 1\nshots:\n  - id: a\n\(shot)  - *nowhere\n",
    ])
    func yamlErrors(_ text: String) {
        let (streamed, whole) = Self.both(text)
        #expect(streamed == whole)
        #expect(streamed.diagnostics.count == 1 && streamed.diagnostics.first?.severity == .error)
    }
}
