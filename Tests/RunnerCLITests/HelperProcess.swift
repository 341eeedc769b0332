import ChildProcessSupport
import Foundation

/// A helper script from `Tools/testing` (the HTTP sink, the proxy) running as its own process for as long as a
/// test needs it, on a free loopback port it prints as `listening on PORT`.
final class HelperProcess {
    let process = Process()
    let port: Int

    init(script: String, _ arguments: [String]) async throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CLIProcess.packageRoot.appendingPathComponent("Tools/testing/" + script).path] + arguments
        process.environment = ChildProcess.environment()
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = await ChildProcess.firstLine(of: out.fileHandleForReading)
        guard line.hasPrefix("listening on "), let port = Int(line.dropFirst("listening on ".count)) else {
            process.terminate()
            throw SimulatorProcess.StartFailed(line: line)
        }
        self.port = port
    }

    deinit {
        if process.isRunning {
            // SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// The HTTP sink: what it received, one request a line.
final class HTTPSink {
    let helper: HelperProcess
    let record: String

    /// `mode`: `ok` (200), `fail` (500) or `hang` (never answers).
    init(mode: String) async throws {
        record = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString).jsonl").path
        helper = try await HelperProcess(script: "http_sink.py", [record, mode])
    }

    var url: String { "http://127.0.0.1:\(helper.port)/hooks/run" }

    /// The bodies received, parsed.
    func bodies() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let request = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let body = request["body"] as? String ?? ""
            return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        }
    }
}
