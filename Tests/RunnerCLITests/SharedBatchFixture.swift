import ChildProcessSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the shared ledger's end-to-end tests share: a throwaway PostgreSQL server (`Tools/testing/pg_throwaway.sh`),
/// `shotrunner simulate` as the API, a catalogue of one per-second model, manifests of N shots, and worker
/// processes (real `shotrunner run --ledger` processes).
final class SharedBatchFixture {
    let folder: URL
    let database: String
    let url: String
    let simulator: SimulatorProcess
    let catalog: String
    static let script = CLIProcess.packageRoot.appendingPathComponent("Tools/testing/pg_throwaway.sh").path

    init(simulator arguments: [String]) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("pg").path
        let started = try await ChildProcess.run(Self.script, ["start", database])
        guard started.status == 0 else { throw SimulatorProcess.StartFailed(line: "the throwaway server did not start: \(started.stderr)") }
        url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        catalog = folder.appendingPathComponent("catalog.json").path
        try #"[{"model_id": "acme/clip/text-to-video", "kind": "model", "price_unit": "second", "base_price_usd": 0.1, "categories": ["text-to-video"], "input_schema": {"required": ["prompt"], "properties": {"prompt": {"type": "string"}}}}]"#
            .write(toFile: catalog, atomically: true, encoding: .utf8)
        simulator = try await SimulatorProcess(["--catalog", catalog] + arguments)
    }

    /// A manifest of `count` shots (prompts made unique by `tag`), in the fixture's folder.
    func manifest(_ name: String, shots count: Int, tag: String = "Shot") throws -> String {
        var text = "version: 1\nshots:\n"
        for index in 0..<count { text += "  - {id: s\(index), model: acme/clip/text-to-video, prompt: \"\(tag) \(index).\"}\n" }
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A worker: `shotrunner run MANIFEST --ledger URL --batch B --out DIR` against the simulator.
    func worker(_ manifest: String, batch: String, out: String, _ extra: [String] = []) throws -> WorkerProcess {
        try WorkerProcess(
            ["run", manifest, "--catalog", catalog, "--base-url", simulator.baseURL, "--ledger", url, "--batch", batch, "--out", out, "--yes", "--progress", "plain"] + extra,
            log: folder.appendingPathComponent("worker-\(UUID().uuidString).log").path
        )
    }

    /// The simulator's counters.
    func stats() async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: simulator.baseURL + "/_sim/stats")!)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// One number from the database.
    func scalar(_ sql: String) async throws -> Int {
        let result = try await ChildProcess.run("/usr/bin/env", ["psql", "-Atc", sql, url])
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Rows of text from the database, one a line.
    func rows(_ sql: String) async throws -> [String] {
        let result = try await ChildProcess.run("/usr/bin/env", ["psql", "-Atc", sql, url])
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Stops the server at once (immediate shutdown: open transactions are lost), keeping its data.
    func killDatabase() async throws {
        let result = try await ChildProcess.run(Self.script, ["kill", database])
        guard result.status == 0 else { throw SimulatorProcess.StartFailed(line: "kill: \(result.stderr)") }
    }

    /// Starts it again on its port.
    func restartDatabase() async throws {
        let result = try await ChildProcess.run(Self.script, ["restart", database])
        guard result.status == 0 else { throw SimulatorProcess.StartFailed(line: "restart: \(result.stderr)") }
    }

    func stop() async {
        _ = try? await ChildProcess.run(Self.script, ["stop", database])
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A `shotrunner` process of a test, its standard error in a file (read once it has ended).
final class WorkerProcess: @unchecked Sendable {
    let process = Process()
    let log: String

    init(_ arguments: [String], log: String) throws {
        self.log = log
        process.executableURL = CLIProcess.binary
        process.arguments = arguments
        process.environment = ChildProcess.environment(adding: ["RUNCOMFY_API_TOKEN": "test-token"])
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the process to end; its exit status (128 + N for a signal N).
    func exitStatus() async -> Int32 {
        let process = process
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
                continuation.resume(returning: status)
            }
        }
    }

    var stderr: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
