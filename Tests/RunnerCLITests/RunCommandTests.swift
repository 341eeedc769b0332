import ChildProcessSupport
import Foundation
import Testing

/// `run`, `status`, `cancel`, `adopt` and `plan --out` on small batches against the simulator.
@Suite("run, status, cancel, adopt", .serialized)
struct RunCommandTests {
    private func folder() async throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The example storyboard that `make demo` renders.
    private static let storyboard = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path

    private func json(_ text: String) async throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private func states(_ out: String) async throws -> [String: String] {
        let jobs = try #require(try await json(try await CLIProcess.run(["status", out, "--json"]).stdout)["jobs"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: jobs.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
    }

    @Test("--simulate renders the storyboard into its own folder; a second run has nothing to do")
    func simulate() async throws {
        let out = try await folder().appendingPathComponent("sim").path
        let manifest = Self.storyboard
        let first = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out, "--progress", "json"])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        #expect(lines.contains { $0.contains("\"state\":\"completed\"") })
        #expect(try await states(out).values.allSatisfy { $0 == "completed" })
        #expect(FileManager.default.fileExists(atPath: out + "/dusk/window~2.mp4"))
        let summary = try await json(try String(contentsOfFile: out + "/summary.json", encoding: .utf8))
        #expect(summary["exit_code"] as? Int == 0)
        let second = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out, "--progress", "plain"])
        #expect(second.status == 0)
        #expect(!second.stdout.contains("submitting"))
        // A deleted video is downloaded again on the next run... from a simulator that is gone: download_failed.
        let fresh = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out, "--fresh"])
        #expect(fresh.status == 2 && fresh.stderr.contains("--fresh"))
    }

    @Test("--progress line redraws one live line at most ten times a second and ends on the final counts")
    func liveLine() async throws {
        let out = try await folder().appendingPathComponent("line").path
        let manifest = Self.storyboard
        let run = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out, "--progress", "line"])
        #expect(run.status == 0, "\(run.stderr)")
        let draws = run.stdout.components(separatedBy: "\r\u{1B}[2K").dropFirst()
        let jobs = try await states(out).count
        let last = try #require(draws.last)
        #expect(last.hasPrefix("\(jobs)/\(jobs) done"), "\(last)")
        #expect(last.contains("completed \(jobs)") && !last.contains("submitting") && !last.contains("queued"))
        #expect(draws.count < 4 * jobs, "a draw for every event is not throttled: \(draws.count) draws for \(jobs) jobs")
    }

    @Test("without a token, run exits 3; without a terminal, it needs --yes (exit 2)")
    func setupErrors() async throws {
        let manifest = CLIProcess.fixture("valid/01-minimal.yaml")
        let out = try await folder().path
        let noToken = try await CLIProcess.run(["run", manifest, "--out", out + "/a"], environment: ["RUNCOMFY_API_TOKEN": "", "RUNCOMFY_TOKEN": ""])
        #expect(noToken.status == 3 && noToken.stderr.contains("RUNCOMFY_API_TOKEN"))
        let simulator = try await SimulatorProcess([])
        let noYes = try await CLIProcess.run(["run", manifest, "--out", out + "/b", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(noYes.status == 2 && noYes.stderr.contains("--yes"))
    }

    @Test("a folder made against one base URL refuses another; a locked folder exits 4")
    func baseURLAndLock() async throws {
        let manifest = CLIProcess.fixture("valid/01-minimal.yaml")
        let out = try await folder().path
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001"])
        let first = try await CLIProcess.run(["run", manifest, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(first.status == 0, "\(first.stderr)")
        let other = try await CLIProcess.run(["run", manifest, "--out", out, "--base-url", "http://127.0.0.1:9", "--yes"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(other.status == 2 && other.stderr.contains("was made against"))
        // Hold the lock from another process (flock, like shotrunner) and try.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["flock", out + "/.lock", "sleep", "30"]
        holder.environment = ChildProcess.environment()
        try holder.run()
        defer { holder.terminate() }
        var result = try await CLIProcess.run(["adopt", out, "opening", "req_1"])
        for _ in 0..<50 where result.status != 4 { result = try await CLIProcess.run(["adopt", out, "opening", "req_1"]) }
        #expect(result.status == 4 && result.stderr.contains("locked"))
    }

    @Test("interrupted jobs can be cancelled while queued; adopt refuses a malformed request id")
    func cancelAndAdopt() async throws {
        let manifest = Self.storyboard
        let out = try await folder().path
        let simulator = try await SimulatorProcess(["--queue-seconds", "300-400", "--fault-lost-response", "0.3", "--seed", "5"])
        let run = try await CLIProcess.run(
            ["run", manifest, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms", "--concurrency", "16"],
            environment: ["RUNCOMFY_API_TOKEN": "t", "SHOTRUNNER_FAULT_AFTER_LINES": "30:INT"]
        )
        #expect(run.status == 130, "\(run.stderr)")
        let before = try await states(out)
        let queued = before.filter { $0.value == "queued" }.keys
        #expect(!queued.isEmpty)
        let cancel = try await CLIProcess.run(["cancel", out], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let after = try await states(out)
        for id in queued { #expect(after[id] == "cancelled") }
        let wrong = try await CLIProcess.run(["adopt", out, "title", "not a request id"])
        #expect(wrong.status == 2)
    }

    @Test("adopt attaches an id to an unknown_outcome job (it is queued after); a job in any other state is refused, exit 2")
    func adopt() async throws {
        let manifest = CLIProcess.fixture("valid/01-minimal.yaml")
        let out = try await folder().path
        // Every accepted submit's answer is lost, so the one job is certainly unknown_outcome: no chance involved.
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--fault-lost-response", "1"])
        let run = try await CLIProcess.run(
            ["run", manifest, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms"],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(run.status == 1, "\(run.stderr)")
        try #require(try await states(out)["opening"] == "unknown_outcome", "the lost answer should leave the job unknown_outcome")
        let adopt = try await CLIProcess.run(["adopt", out, "opening", "req_found_in_web_ui"])
        #expect(adopt.status == 0, "\(adopt.stderr)")
        #expect(try await states(out)["opening"] == "queued")
        // Now queued, with a request id: adopting it again is refused.
        let again = try await CLIProcess.run(["adopt", out, "opening", "req_another"])
        #expect(again.status == 2 && again.stderr.contains("queued"), "\(again.stderr)")
    }

    @Test("--verbose logs every API call, never the token")
    func verbose() async throws {
        let manifest = CLIProcess.fixture("valid/01-minimal.yaml")
        let out = try await folder().path
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--token", "sk-live-RECOGNISABLE-0123456789"])
        let result = try await CLIProcess.run(
            ["run", manifest, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms", "--verbose"],
            environment: ["RUNCOMFY_API_TOKEN": "sk-live-RECOGNISABLE-0123456789"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("POST /v1/models/kling/kling-video-o3/pro/image-to-video"))
        #expect(result.stderr.contains("/result -> completed"))
        for text in [result.stdout, result.stderr, try String(contentsOfFile: out + "/ledger.jsonl", encoding: .utf8),
                     try String(contentsOfFile: out + "/summary.json", encoding: .utf8)] {
            #expect(!text.contains("RECOGNISABLE"))
        }
    }

    @Test("--max-cost stops new submits before the folder's spend would pass it (exit 5); plan --out shows what is left")
    func maxCostAndPlanOut() async throws {
        let manifest = Self.storyboard
        let out = try await folder().path
        let capped = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out, "--max-cost", "3", "--concurrency", "1"])
        #expect(capped.status == 5, "\(capped.stderr)")
        #expect(capped.stderr.contains("--max-cost reached"))
        let states = try await states(out)
        let pending = states.filter { $0.value == "pending" }.count
        #expect(pending > 0)
        let summary = try await json(try String(contentsOfFile: out + "/summary.json", encoding: .utf8))
        #expect(((summary["totals"] as? [String: Any])?["spent_usd"] as? Double ?? 99) <= 3)
        let plan = try await CLIProcess.run(["plan", manifest, "--out", out, "--json"])
        let jobs = try #require(try await json(plan.stdout)["jobs"] as? [[String: Any]])
        #expect(jobs.count == pending)
        // Raising the cap renders the rest, and only the rest.
        let rest = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out])
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(try await self.states(out).values.allSatisfy { $0 == "completed" })
    }
}
