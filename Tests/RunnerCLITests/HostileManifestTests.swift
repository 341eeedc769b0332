import ChildProcessSupport
import Foundation
import Testing

/// Hostile and broken manifests given to `run` against a live simulator: each ends in a clear diagnostic and
/// exit 2, and the simulator sees no submit. Valid oddities (a byte-order mark, CRLF, one shot, 100,000 shots)
/// are accepted.
@Suite("Hostile manifests", .serialized)
struct HostileManifestTests {
    struct Outcome {
        let status: Int32
        let stderr: String
        let submits: Int
    }

    private static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func shot(_ id: String, image: String = "https://cdn.example.com/a.png") -> String {
        "  - {id: \"\(id)\", image: \"\(image)\", prompt: a shot}\n"
    }

    /// Runs `run PATH` against a fresh simulator (as `user`, when given, through setpriv) and counts its submits.
    private static func run(_ path: String, in dir: URL, asNobody: Bool = false) async throws -> Outcome {
        let simulator = try await SimulatorProcess([])
        var arguments = ["run", path, "--base-url", simulator.baseURL, "--yes", "--out", dir.appendingPathComponent("out").path]
        var executable = CLIProcess.binary.path
        if asNobody {
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments
            executable = "/usr/bin/setpriv"
        }
        let result = try await ChildProcess.run(executable, arguments, environment: ["RUNCOMFY_API_TOKEN": "t"])
        let stats = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", simulator.baseURL + "/_sim/stats"]).stdout
        let json = try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any]
        let calls = json?["calls"] as? [String: Int] ?? [:]
        let submits = calls.filter { $0.key.contains("submit") }.values.reduce(0, +)
        return Outcome(status: result.status, stderr: result.stderr, submits: submits)
    }

    private static func expectRefused(_ outcome: Outcome, _ gist: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 2, "exit \(outcome.status): \(outcome.stderr.prefix(600))", sourceLocation: sourceLocation)
        #expect(outcome.stderr.contains(gist), "no '\(gist)' in: \(outcome.stderr.prefix(600))", sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(outcome.submits == 0, sourceLocation: sourceLocation)
    }

    /// Manifest texts that must be refused, with a word the diagnostic must contain.
    static let refusedTexts: [(name: String, gist: String, bytes: @Sendable () -> [UInt8])] = [
        ("alias bomb", "alias", {
            var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            for level in 1...9 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
            return Array(("version: 1\n" + text + "shots: *a9\n").utf8)
        }),
        ("10,000-level nesting", "deep", { Array(("version: 1\nshots: " + String(repeating: "[", count: 10_000) + "\n").utf8) }),
        ("invalid UTF-8", "UTF-8", { Array("version: 1\nshots:\n  - {id: a, image: https://x.test/a.png, prompt: \"".utf8) + [0xC3, 0x28, 0xFF] + Array("\"}\n".utf8) }),
        ("a NUL byte", "control characters", { Array("version: 1\nshots:\n  - {id: a, image: https://x.test/a.png, prompt: p".utf8) + [0] + Array("q}\n".utf8) }),
        ("id ../x", "id", { Array(("version: 1\nshots:\n" + shot("../x")).utf8) }),
        ("id a/b", "id", { Array(("version: 1\nshots:\n" + shot("a/b")).utf8) }),
        ("id of 300 characters", "id", { Array(("version: 1\nshots:\n" + shot(String(repeating: "a", count: 300))).utf8) }),
        ("ids differing only in case", "Intro", { Array(("version: 1\nshots:\n" + shot("intro") + shot("Intro")).utf8) }),
        ("image at /dev/zero", "not a regular file", { Array(("version: 1\nshots:\n" + shot("a", image: "/dev/zero")).utf8) }),
    ]

    @Test("refused with a clear diagnostic, exit 2, nothing submitted", arguments: 0..<refusedTexts.count)
    func refusedText(_ index: Int) async throws {
        let (name, gist, bytes) = Self.refusedTexts[index]
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("m.yaml").path
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
        let outcome = try await Self.run(path, in: dir)
        Self.expectRefused(outcome, gist)
        #expect(outcome.stderr.contains("m.yaml"), "\(name): the diagnostic names the file")
    }

    @Test("a 50 MB prompt is refused at the prompt's limit, exit 2, nothing submitted")
    func hugePrompt() async throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("m.yaml").path
        var bytes = Array("version: 1\nshots:\n  - id: a\n    image: https://x.test/a.png\n    prompt: ".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50 * 1024 * 1024)
        bytes += Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let outcome = try await Self.run(path, in: dir)
        Self.expectRefused(outcome, "prompt is longer than 10000 characters")
        // The diagnostic quotes the line, shortened: not 50 MB of x on the terminal.
        #expect(outcome.stderr.utf8.count < 10_000)
    }

    @Test("a directory, a FIFO with no writer, a missing file, a symlink loop: refused without hanging, exit 2")
    func notAFile() async throws {
        let dir = try Self.folder()
        let fifo = dir.appendingPathComponent("fifo.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let loop = dir.appendingPathComponent("loop.yaml").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        for (path, gist) in [(dir.path, "it is a directory"), (fifo, "not a regular file"), (dir.path + "/missing.yaml", "No such file"), (loop, "symbolic links")] {
            let outcome = try await Self.run(path, in: dir)
            Self.expectRefused(outcome, gist)
        }
    }

    @Test("an image that is a symlink loop is refused at its line")
    func imageSymlinkLoop() async throws {
        let dir = try Self.folder()
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/loop.png", withDestinationPath: dir.path + "/loop.png")
        let path = dir.appendingPathComponent("m.yaml").path
        try Data(("version: 1\nshots:\n" + Self.shot("a", image: "loop.png")).utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try await Self.run(path, in: dir)
        Self.expectRefused(outcome, "m.yaml:3:")
    }

    @Test("an unreadable manifest is refused with the system's reason, exit 2")
    func unreadable() async throws {
        let dir = try Self.folder()
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dir.path)
        let path = dir.appendingPathComponent("m.yaml").path
        try Data(("version: 1\nshots:\n" + Self.shot("a")).utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        // Root reads any file: drop to nobody to see what a user sees.
        let outcome = try await Self.run(path, in: dir, asNobody: getuid() == 0)
        Self.expectRefused(outcome, "Permission denied")
    }

    @Test("a manifest that grows while it is read is refused, exit 2")
    func growingManifest() async throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("m.yaml").path
        var text = "version: 1\nshots:\n"
        for n in 1...20_000 { text += Self.shot("s\(n)") }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        // A writer appends comments for as long as the run reads: while its flag file exists, for 60 s at most.
        let flag = dir.appendingPathComponent("writing").path
        FileManager.default.createFile(atPath: flag, contents: nil)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        writer.arguments = ["60", "/bin/sh", "-c", "while [ -e '\(flag)' ]; do echo '# more' >> '\(path)'; done"]
        writer.environment = ChildProcess.environment()
        try writer.run()
        defer {
            try? FileManager.default.removeItem(atPath: flag)
            kill(writer.processIdentifier, SIGKILL)
        }
        let outcome = try await Self.run(path, in: dir)
        Self.expectRefused(outcome, "changed while it was read")
    }

    @Test("accepted: a byte-order mark with CRLF line endings, a manifest of one shot, one of 100,000")
    func acceptedOddities() async throws {
        let dir = try Self.folder()
        let bom = dir.appendingPathComponent("bom.yaml").path
        try Data([0xEF, 0xBB, 0xBF] + Array(("version: 1\r\nshots:\r\n" + Self.shot("a").replacingOccurrences(of: "\n", with: "\r\n")).utf8))
            .write(to: URL(fileURLWithPath: bom))
        let large = dir.appendingPathComponent("large.yaml").path
        var text = "version: 1\nshots:\n"
        for n in 1...100_000 { text += "  - {id: s\(n), image: https://cdn.example.com/\(n).png, prompt: shot \(n)}\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: large))
        let checked = try await CLIProcess.run(["validate", bom, large])
        #expect(checked.status == 0, "\(checked.stderr.prefix(600))")
        #expect(checked.stdout.contains("1 job"))
        #expect(checked.stdout.contains("100000 jobs") || checked.stdout.contains("100,000 jobs"), "\(checked.stdout)")
    }
}
