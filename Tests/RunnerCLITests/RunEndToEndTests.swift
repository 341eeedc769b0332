import Foundation
import ChildProcessSupport
import RunnerTestSupport
import Testing

/// The built binary against `shotrunner simulate`, both as separate processes: a 200-job batch with every fault
/// switched on, the same batch killed at exact points (SIGKILL after the k-th ledger line) and resumed, and
/// SIGINT / SIGTERM with resume. Stops are injected with SHOTRUNNER_FAULT_AFTER_LINES, so nothing sleeps.
@Suite("run, end to end", .serialized)
struct RunEndToEndTests {
    static let faults = [
        "--fault-429", "0.05", "--fault-503", "0.05", "--fault-500-after-accept", "0.03", "--fault-lost-response", "0.03",
        "--fault-failed", "0.05", "--fault-unknown-status", "0.1", "--fault-200-error", "0.05", "--fault-poll-5xx", "0.05",
    ]

    struct Batch {
        let folder: URL
        let manifest: String
        let out: String
        let simulator: SimulatorProcess
    }

    /// A manifest of 100 shots with 2 takes each (200 jobs, 2 jobs per body), and a simulator.
    private func batch(_ simulatorArguments: [String]) async throws -> Batch {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var text = "version: 1\ndefaults: {duration: 5}\nshots:\n"
        for index in 0..<100 {
            text += "  - {id: shot\(index), image: https://cdn.example.com/f/\(index).png, prompt: \"Shot number \(index).\", takes: 2}\n"
        }
        let manifest = folder.appendingPathComponent("board.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: manifest))
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--seed", "3"] + simulatorArguments)
        return Batch(folder: folder, manifest: manifest, out: folder.appendingPathComponent("out").path, simulator: simulator)
    }

    private func run(_ batch: Batch, concurrency: Int = 8, environment: [String: String] = [:]) async throws -> CLIProcess.Result {
        try await CLIProcess.run(
            ["run", batch.manifest, "--base-url", batch.simulator.baseURL, "--out", batch.out, "--yes",
             "--concurrency", String(concurrency), "--poll-min", "10ms", "--progress", "plain"],
            environment: ["RUNCOMFY_API_TOKEN": "e2e-token"].merging(environment) { $1 }
        )
    }

    private func json(_ text: String) async throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private func stats(_ batch: Batch) async throws -> [String: Any] {
        let output = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", batch.simulator.baseURL + "/_sim/stats"]).stdout
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    private func status(_ batch: Batch) async throws -> [[String: Any]] {
        let result = try await CLIProcess.run(["status", batch.out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try await json(result.stdout)["jobs"] as? [[String: Any]])
    }

    /// The money guarantees, against the simulator's own books.
    private func checkGuarantees(_ batch: Batch, concurrency: Int, extraUnknown: Int = 0) async throws {
        let jobs = try await status(batch)
        let stats = try await stats(batch)
        let requests = try #require(stats["requests"] as? [String: [String: Any]])
        #expect(jobs.count == 200)
        let states = Dictionary(grouping: jobs, by: { $0["state"] as? String ?? "" })
        #expect(Set(states.keys).isSubset(of: ["completed", "failed", "unknown_outcome"]), "\(states.keys)")
        // Failed: exactly the jobs whose render the simulator failed (and whose id we learned).
        let simulatorFailed = Set(requests.filter { $0.value["outcome"] as? String == "failed" && $0.value["submit_fault"] is NSNull }.keys)
        let ledgerFailed = Set((states["failed"] ?? []).compactMap { $0["request_id"] as? String })
        let knownIDs = Set(jobs.compactMap { $0["request_id"] as? String })
        #expect(ledgerFailed == simulatorFailed.intersection(knownIDs))
        // Unknown: exactly the submits the simulator accepted and answered with a 500 or not at all, plus at most
        // `extraUnknown` whose answer a kill lost.
        let damaged = requests.values.filter { !($0["submit_fault"] is NSNull) }.count
        let unknown = states["unknown_outcome"]?.count ?? 0
        #expect(unknown >= damaged && unknown <= damaged + extraUnknown, "unknown \(unknown), damaged \(damaged)")
        // Every accepted request's id was recorded, but for those a kill lost, whose jobs are among the unknown
        // beyond the damaged ones (none without kills).
        let lostIDs = simulatorFailed.subtracting(knownIDs).count
        #expect(lostIDs <= unknown - damaged, "\(lostIDs) failed requests have no job, \(unknown - damaged) unknown jobs beyond the damaged")
        // Nothing paid twice: every body (shared by the 2 takes of a shot) accepted at most twice, and no more
        // accepted submits than jobs.
        let byBody = try #require(stats["accepted_by_body"] as? [String: Int])
        #expect(byBody.values.allSatisfy { $0 <= 2 })
        #expect((stats["accepted_submits"] as? Int ?? 0) <= 200)
        #expect((stats["max_in_flight"] as? Int ?? 0) <= concurrency + damaged + extraUnknown)
        // Every completed job's file is there and whole.
        var sizes = Set<Int>()
        for job in states["completed"] ?? [] {
            let file = try #require(job["file"] as? String)
            let data = try Data(contentsOf: URL(fileURLWithPath: batch.out).appendingPathComponent(file))
            #expect(Array(data[4..<8]) == Array("ftyp".utf8))
            sizes.insert(data.count)
        }
        #expect(sizes.count == 1)
    }

    @Test("200 jobs with every fault on: completed, failed exactly as simulated, unknown_outcome exactly where the answer was damaged")
    func faults() async throws {
        let batch = try await batch(Self.faults)
        let result = try await run(batch)
        #expect(result.status == 1)
        try await checkGuarantees(batch, concurrency: 8)
        let summary = try await json(try String(contentsOf: URL(fileURLWithPath: batch.out + "/summary.json"), encoding: .utf8))
        #expect(summary["exit_code"] as? Int == 1)
        // A second run finds nothing to do and submits nothing.
        let accepted = try await stats(batch)["accepted_submits"] as? Int
        #expect(try await run(batch).status == 1)
        #expect(try await stats(batch)["accepted_submits"] as? Int == accepted)
    }

    @Test("killed with SIGKILL after the k-th ledger line, again and again: the same guarantees")
    func sigkill() async throws {
        let batch = try await batch(Self.faults)
        var kills = 0
        for point in [7, 60, 150, 320] {
            let result = try await run(batch, environment: ["SHOTRUNNER_FAULT_AFTER_LINES": "\(point):KILL"])
            // Killed (Foundation reports the signal's number, 9; a shell would say 137), or the run ended before its
            // k-th line (0 or 1): nothing else.
            let killed = result.status == 9 || result.status == 137
            #expect(killed || result.status == 0 || result.status == 1, "stop at line \(point): exit \(result.status): \(result.stderr.suffix(600))")
            if killed { kills += 1 }
        }
        // One resume finishes the batch: it must not need another try.
        let final = try await run(batch)
        #expect(final.status == 1 || final.status == 0, "the resume exited \(final.status): \(final.stderr.suffix(600))")
        #expect(kills >= 2)
        try await checkGuarantees(batch, concurrency: 8, extraUnknown: kills * 8)
    }

    @Test("SIGINT mid-run exits 130 with no unknown_outcome; the resume completes everything, nothing paid twice", arguments: [("INT", 130), ("TERM", 143)] as [(String, Int32)])
    func interrupt(signal: String, code: Int32) async throws {
        let batch = try await batch([])
        let first = try await run(batch, environment: ["SHOTRUNNER_FAULT_AFTER_LINES": "40:\(signal)"])
        #expect(first.status == code, "\(first.stderr)")
        let jobs = try await status(batch)
        #expect(!jobs.contains { $0["state"] as? String == "unknown_outcome" })
        let second = try await run(batch)
        #expect(second.status == 0, "\(second.stderr)")
        let after = try await status(batch)
        #expect(after.allSatisfy { $0["state"] as? String == "completed" })
        let stats = try await stats(batch)
        #expect(stats["accepted_submits"] as? Int == 200)
    }
}
