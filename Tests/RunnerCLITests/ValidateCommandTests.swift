import Foundation
import Testing

@Suite("shotrunner validate")
struct ValidateCommandTests {
    @Test("a valid manifest prints one line and exits 0")
    func valid() async throws {
        let path = CLIProcess.fixture("valid/03-scenes-takes-segments-anchors.yaml")
        let result = try await CLIProcess.run(["validate", path])
        #expect(result.status == 0)
        #expect(result.stdout == "\(path): ok, 7 shots, 12 jobs, 89 s of video\n")
    }

    @Test("every example manifest in manifests/ validates")
    func examples() async throws {
        let folder = CLIProcess.packageRoot.appendingPathComponent("manifests")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count >= 2)
        let result = try await CLIProcess.run(["validate"] + names.map { folder.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == names.count)
    }

    @Test("an invalid manifest prints its diagnostics to stderr and exits 2")
    func invalid() async throws {
        let path = CLIProcess.fixture("invalid/12-misspelled-prompt.yaml")
        let result = try await CLIProcess.run(["validate", path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(path):8:5: error: unknown key 'promt' in shot 'opening'; did you mean 'prompt'?\n    promt:"))
        // The misspelling is the one error: not also "missing required 'prompt'" before it.
        #expect(!result.stderr.contains("missing required"))
        #expect(result.stderr.hasSuffix("\(path): 1 error\n"))
    }

    @Test("several manifests: each reported, exit 2 if any is invalid")
    func several() async throws {
        let good = CLIProcess.fixture("valid/01-minimal.yaml")
        let bad = CLIProcess.fixture("invalid/01-version-missing.yaml")
        let result = try await CLIProcess.run(["validate", good, bad])
        #expect(result.status == 2)
        #expect(result.stdout == "\(good): ok, 1 shot, 1 job, 5 s of video\n")
        #expect(result.stderr.contains("missing required 'version'"))
    }

    @Test("a missing file, a directory: a clear error and exit 2")
    func unreadable() async throws {
        let result = try await CLIProcess.run(["validate", "/nonexistent/board.yaml", "/tmp"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/board.yaml: error: cannot read '/nonexistent/board.yaml': No such file or directory"))
        #expect(result.stderr.contains("/tmp: error: cannot read '/tmp': it is a directory"))
    }

    @Test("usage errors exit 2 (not argument-parser's 64); --help and --version exit 0")
    func usage() async throws {
        let missing = try await CLIProcess.run(["validate"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Usage: shotrunner validate"))
        let unknown = try await CLIProcess.run(["frobnicate"])
        #expect(unknown.status == 2)
        let help = try await CLIProcess.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("validate") && help.stdout.contains("plan"))
        let version = try await CLIProcess.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }

    @Test("warnings are printed but do not fail")
    func warnings() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("w.yaml").path
        let prompt = String(repeating: "a", count: 3_000)
        try Data("version: 1\nshots:\n  - {id: a, image: https://x.example/a.png, prompt: \(prompt)}\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try await CLIProcess.run(["validate", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: prompt is longer than 2500 characters (3000)"))
        #expect(result.stdout.hasSuffix(": ok, 1 shot, 1 job, 5 s of video\n"))
    }
}
