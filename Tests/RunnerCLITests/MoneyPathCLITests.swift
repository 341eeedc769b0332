import ChildProcessSupport
import Foundation
@testable import RunnerCLI
import Testing

/// `run`'s money path as a user meets it (issue 13): the live price, the refusals before anything is spent, and
/// every end of a run on record.
@Suite("run: price, refusals, every end", .serialized)
struct MoneyPathCLITests {
    private static let storyboard = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
    private static let minimal = CLIProcess.fixture("valid/01-minimal.yaml")

    private func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-money-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    private func ledger(_ out: String) throws -> [[String: Any]] {
        try String(contentsOfFile: out + "/ledger.jsonl", encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    private func summary(_ out: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
    }

    /// The end on record: `run_finished` last, with the exit code, and `summary.json` saying the same.
    private func expectEndRecorded(_ out: String, exit code: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let last = try #require(try ledger(out).last, sourceLocation: sourceLocation)
        #expect(last["event"] as? String == "run_finished", "\(last)", sourceLocation: sourceLocation)
        #expect(last["exit_code"] as? Int == code, "\(last)", sourceLocation: sourceLocation)
        #expect(try summary(out)["exit_code"] as? Int == code, sourceLocation: sourceLocation)
    }

    @Test("run takes the API's price: a price line with its source, estimates at that price, a cap that holds at it")
    func livePrice() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--price", "0.25"])
        let out = try folder() + "/run"
        let run = try await CLIProcess.run(
            ["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes", "--max-cost", "10", "--poll-min", "10ms", "--concurrency", "2"],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(run.status == 5, "\(run.stderr)")
        let lines = try ledger(out)
        let price = try #require(lines.first { $0["event"] as? String == "price" })
        #expect(price["base_price_usd"] as? Double == 0.25)
        #expect(price["source"] as? String == "api")
        // Every intent's estimate is at 0.25/s (5 s silent: 1.25), not the built-in 0.112/s.
        let estimates = lines.filter { $0["event"] as? String == "submit_intent" }.compactMap { $0["estimated_cost"] as? Double }
        #expect(!estimates.isEmpty)
        #expect(estimates.allSatisfy { $0 >= 0.75 }, "\(estimates)")
        let totals = try #require(try summary(out)["totals"] as? [String: Any])
        let spent = try #require(totals["spent_usd"] as? Double)
        #expect(spent <= 10 + 1e-9, "the cap let \(spent) through")
        #expect(spent > 5, "the cap stopped far too early: \(spent)")
    }

    @Test("--max-cost without a price from the API refuses to start (exit 3); without it, the estimate is used and said")
    func capNeedsPublishedPrice() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--fault-model-info", "1"])
        let out = try folder()
        let capped = try await CLIProcess.run(
            ["run", Self.minimal, "--out", out + "/a", "--base-url", simulator.baseURL, "--yes", "--max-cost", "5"], environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(capped.status == 3, "\(capped.stderr)")
        #expect(capped.stderr.contains("--max-cost"))
        #expect(try ledger(out + "/a").allSatisfy { $0["event"] as? String != "submit_intent" })
        try expectEndRecorded(out + "/a", exit: 3)
        let uncapped = try await CLIProcess.run(
            ["run", Self.minimal, "--out", out + "/b", "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms"], environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(uncapped.status == 0, "\(uncapped.stderr)")
        #expect(uncapped.stderr.contains("using the built-in estimate"))
        #expect(try ledger(out + "/b").first { $0["event"] as? String == "price" }?["source"] as? String == "estimate")
    }

    @Test("output URLs that expire: the next run asks the result again and downloads every paid clip")
    func expiringURLs() async throws {
        // URLs live 1,000 simulated seconds (1 s here): those recorded by a --no-download run expire before the next.
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--url-lifetime", "1000"])
        let out = try folder()
        let first = try await CLIProcess.run(
            ["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes", "--no-download", "--poll-min", "10ms"], environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(first.status == 0, "\(first.stderr)")
        try await Task.sleep(for: .milliseconds(1_200))  // the URLs' lifetime: this test is about time passing
        let second = try await CLIProcess.run(["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(second.status == 0, "\(second.stderr)")
        let status = try await CLIProcess.run(["status", out, "--json"])
        let jobs = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(!jobs.isEmpty)
        #expect(jobs.allSatisfy { $0["state"] as? String == "completed" }, "\(jobs.map { $0["state"] ?? "" })")
        // Each clip was paid for once: the fresh URL came from asking again, not from a new render.
        let submits = try ledger(out).filter { $0["event"] as? String == "submit_intent" }.count
        #expect(submits == jobs.count)
        let stats = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", simulator.baseURL + "/_sim/stats"]).stdout
        let expired = try #require(try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any])["expired_urls"] as? Int
        #expect((expired ?? 0) > 0, "no URL had expired: the test did not exercise the refresh")
    }

    @Test("an API that cannot be reached stops the run before its first submit: exit 3, naming the URL")
    func unreachable() async throws {
        let out = try folder()
        let run = try await CLIProcess.run(["run", Self.minimal, "--out", out, "--base-url", "http://127.0.0.1:1", "--yes"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("http://127.0.0.1:1/v1/models/"), "\(run.stderr)")
        #expect(try ledger(out).allSatisfy { $0["event"] as? String != "submit_intent" })
        try expectEndRecorded(out, exit: 3)
    }

    @Test("a refused token ends the run (exit 3) with its end on record")
    func refusedToken() async throws {
        let simulator = try await SimulatorProcess(["--token", "right"])
        let out = try folder()
        let run = try await CLIProcess.run(["run", Self.minimal, "--out", out, "--base-url", simulator.baseURL, "--yes"], environment: ["RUNCOMFY_API_TOKEN": "wrong"])
        #expect(run.status == 3, "\(run.stderr)")
        try expectEndRecorded(out, exit: 3)
    }

    @Test("a declined spend prompt: exit 1, nothing submitted, its end on record")
    func declinedPrompt() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001"])
        let out = try folder()
        // `script` gives the run a terminal, so it asks; the answer is "n".
        let command = [CLIProcess.binary.path, "run", Self.minimal, "--out", out, "--base-url", simulator.baseURL].map { "'\($0)'" }.joined(separator: " ")
        let result = try await ChildProcess.run("/bin/sh", ["-c", "printf 'n\\n' | script -qec \"\(command)\" /dev/null"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("nothing submitted"), "\(result.stdout)")
        #expect(try ledger(out).allSatisfy { $0["event"] as? String != "submit_intent" })
        try expectEndRecorded(out, exit: 1)
    }

    @Test("a second Ctrl-C abandons the wire but flushes the ledger and records the end (exit 130)", .timeLimit(.minutes(2)))
    func secondInterrupt() async throws {
        // Every submit's answer comes 30 s late: the first submit is on the wire when both signals come.
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--fault-slow", "1", "--slow-delay", "30"])
        let out = try folder()
        let started = Date()
        let process = Process()
        process.executableURL = CLIProcess.binary
        process.arguments = ["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes", "--concurrency", "1", "--progress", "plain"]
        // No token, base URL or proxy from this machine.
        process.environment = ChildProcess.environment(adding: ["RUNCOMFY_API_TOKEN": "t"])
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // "submitting" is printed as the POST starts: from then on it is on the wire.
        let submitting = await ChildProcess.read(output.fileHandleForReading, until: ": submitting")
        #expect(submitting.contains(": submitting"), "\(submitting)")
        process.interrupt()
        let first = await ChildProcess.read(errors.fileHandleForReading, until: "interrupted: letting")
        #expect(first.contains("interrupted: letting"), "\(first)")
        process.interrupt()
        let rest = await ChildProcess.read(errors.fileHandleForReading, until: "\u{0}")
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(first)\(rest)")
        #expect(rest.contains("interrupted again"), "\(rest)")
        #expect(Date().timeIntervalSince(started) < 25, "the run waited for the answer it was told to abandon")
        try expectEndRecorded(out, exit: 130)
    }

    @Test("run --simulate whose simulator cannot be served on loopback exits 3, its end on record")
    func simulatorCannotServe() async throws {
        let out = try folder()
        // A network namespace of its own, loopback down: nothing on 127.0.0.1 can be reached.
        let result = try await ChildProcess.run("/usr/bin/unshare", ["-n", CLIProcess.binary.path, "run", Self.minimal, "--simulate", "--out", out])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("cannot listen") || result.stderr.contains("cannot be reached"), "\(result.stderr)")
        try expectEndRecorded(out, exit: 3)
    }

    @Test("an error no branch expected is exit 70, asking for a report; the known ones keep their codes")
    func internalError() {
        struct Unexpected: Error {}
        #expect(Entry.status(for: Unexpected()) == 70)
        #expect(Entry.status(for: CLIError.setup("x")) == 3)
        #expect(Entry.status(for: CLIError.usage("x")) == 2)
        #expect(Entry.status(for: CLIError.exit(5)) == 5)
    }
}
