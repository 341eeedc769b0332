import ChildProcessSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Unattended runs (issue 20): one notification per end with the counts `status --json` gives, a sink that fails
/// or hangs costing at most 15 s and never the exit code, and `doctor`'s checks.
@Suite("notify and doctor", .serialized)
struct UnattendedTests {
    private static let storyboard = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
    private static let minimal = CLIProcess.fixture("valid/01-minimal.yaml")

    private func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-unattended-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    @Test("a run's end is notified once, with status --json's counts, its exit code, spend and failures")
    func notifiesOnce() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--fault-failed", "0.3", "--seed", "7"])
        let sink = try await HTTPSink(mode: "ok")
        let out = try folder() + "/run"
        let run = try await CLIProcess.run(
            ["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms", "--notify", sink.url],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        let bodies = try sink.bodies()
        try #require(bodies.count == 1, "\(bodies)")
        let body = bodies[0]
        #expect(body["exit_code"] as? Int == Int(run.status))
        #expect(body["run_dir"] as? String == out)
        let status = try await CLIProcess.run(["status", out, "--json"])
        let statusJSON = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let counts = try #require(body["counts"] as? [String: Int])
        #expect(counts == statusJSON["counts"] as? [String: Int])
        let failed = try #require(body["failed"] as? [[String: Any]])
        #expect(failed.count == counts["failed", default: 0])
        #expect(counts["failed", default: 0] > 0, "the seed should fail some renders: \(counts)")
        for entry in failed {
            let error = try #require(entry["error"] as? [String: Any])
            #expect(error["code"] is String)
        }
        let text = try #require(body["text"] as? String)
        #expect(body["content"] as? String == text, "Discord reads content")
        #expect(text.hasPrefix("storyboard: "))
        #expect(text.contains("exit \(run.status)"))
        #expect(text.contains("spent"))
        #expect(!(try String(contentsOfFile: sink.record, encoding: .utf8)).contains("Bearer"), "the token must never reach a notification")
    }

    @Test("a sink that fails or hangs: a warning, at most 15 s, the exit code unchanged")
    func failingSink() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001"])
        for mode in ["fail", "hang"] {
            let sink = try await HTTPSink(mode: mode)
            let out = try folder() + "/run"
            let started = Date()
            let run = try await CLIProcess.run(
                ["run", Self.minimal, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms", "--notify", sink.url],
                environment: ["RUNCOMFY_API_TOKEN": "t"]
            )
            let elapsed = Date().timeIntervalSince(started)
            #expect(run.status == 0, "\(mode): \(run.stderr)")
            #expect(run.stderr.contains("warning: the notification"), "\(mode): \(run.stderr)")
            // The run itself takes well under a second: the notification's budget is 15 s, every try included.
            #expect(elapsed < 16.5, "\(mode): the run took \(elapsed) s")
            let tries = try sink.bodies().count
            #expect(mode == "fail" ? tries == 3 : tries >= 1, "\(mode): \(tries) tries")
        }
    }

    @Test("ends before a folder is open are told too; a notify URL that is neither https nor loopback is refused before spending")
    func earlyEnds() async throws {
        let sink = try await HTTPSink(mode: "ok")
        let broken = try folder() + "/broken.yaml"
        try "shots:\n  - prompt: 12\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let invalid = try await CLIProcess.run(["run", broken, "--yes", "--notify", sink.url], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(invalid.status == 2)
        let bodies = try sink.bodies()
        #expect(bodies.count == 1)
        #expect(bodies.first?["exit_code"] as? Int == 2)

        let out = try folder() + "/run"
        let refused = try await CLIProcess.run(
            ["run", Self.minimal, "--out", out, "--yes", "--notify", "http://example.com/hook"], environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("plain http is allowed only to this machine"))
        let lookalike = try await CLIProcess.run(
            ["run", Self.minimal, "--out", out, "--yes", "--notify", "http://127.0.0.1.example.com/hooks/SECRET"], environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(lookalike.status == 2, "a name that starts like a loopback address is not one: \(lookalike.stderr)")
        #expect(!lookalike.stderr.contains("SECRET"), "a webhook's path is its secret: \(lookalike.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/ledger.jsonl"))
    }

    @Test("doctor against the simulator passes; a refused token or a locked folder fails its check with exit 3")
    func doctor() async throws {
        let simulator = try await SimulatorProcess(["--token", "right"])
        let ok = try await CLIProcess.run(["doctor", "--base-url", simulator.baseURL, "--json"], environment: ["RUNCOMFY_API_TOKEN": "right"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["base URL", "token", "price", "catalogue", "ffmpeg", "disk", "lock"])
        #expect(checks.first { $0["name"] as? String == "lock" }?["status"] as? String == "skip")

        let refused = try await CLIProcess.run(["doctor", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "wrong"])
        #expect(refused.status == 3)
        #expect(refused.stdout.split(separator: "\n").contains { $0.hasPrefix("fail") && $0.contains("token") && $0.contains("401") }, "\(refused.stdout)")
        #expect(refused.stdout.split(separator: "\n").contains { $0.hasPrefix("pass") && $0.contains("base URL") })

        // ffmpeg missing is a warning (only frames and assemble need it): the machine is still ready.
        let noFFmpeg = try await CLIProcess.run(
            ["doctor", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "right", "PATH": "/nonexistent"]
        )
        #expect(noFFmpeg.status == 0, "\(noFFmpeg.stdout)")
        #expect(noFFmpeg.stdout.split(separator: "\n").contains { $0.hasPrefix("warn") && $0.contains("ffmpeg") })

        let locked = try folder()
        let fd = open(locked + "/.lock", O_RDWR | O_CREAT, 0o644)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = "4242\n".withCString { write(fd, $0, 5) }
        let busy = try await CLIProcess.run(["doctor", "--base-url", simulator.baseURL, "--out", locked], environment: ["RUNCOMFY_API_TOKEN": "right"])
        #expect(busy.status == 3)
        #expect(busy.stdout.split(separator: "\n").contains { $0.hasPrefix("fail") && $0.contains("lock") && $0.contains("4242") }, "\(busy.stdout)")
    }
}

extension UnattendedTests {
    @Test("--halt fail=3 against a simulator failing every render: 3 failures plus those in flight, the rest never submitted, exit 1, named")
    func halts() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--fault-failed", "1"])
        let sink = try await HTTPSink(mode: "ok")
        let out = try folder() + "/run"
        let run = try await CLIProcess.run(
            ["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms", "--concurrency", "2",
             "--halt", "fail=3", "--notify", sink.url],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("halted: --halt fail=3"), "\(run.stderr)")
        let status = try await CLIProcess.run(["status", out, "--json"])
        let counts = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["counts"] as? [String: Int])
        let failed = counts["failed", default: 0]
        #expect(failed >= 3 && failed <= 3 + 2, "\(counts)")
        #expect(counts["pending", default: 0] == 13 - failed, "\(counts)")
        let note = try #require(try sink.bodies().first)
        #expect((note["text"] as? String)?.contains("halted: --halt fail=3") == true, "\(note)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
        #expect((summary["stopped_by"] as? String)?.hasPrefix("halted: --halt fail=3") == true)
    }
}

extension UnattendedTests {
    @Test("HTTP_PROXY carries a run to a base URL only the proxy can reach, credentials hidden; NO_PROXY goes direct")
    func proxies() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001"])
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString).log").path
        let proxy = try await HelperProcess(script: "http_proxy.py", [log])
        let port = try #require(URL(string: simulator.baseURL)?.port)
        let hidden = "http://api.shotrunner.invalid:\(port)"
        let proxyURL = "http://render:s3cret@127.0.0.1:\(proxy.port)"
        let out = try folder()
        let through = try await CLIProcess.run(
            ["run", Self.minimal, "--out", out + "/a", "--base-url", hidden, "--yes", "--poll-min", "10ms", "--verbose"],
            environment: ["RUNCOMFY_API_TOKEN": "t", "HTTP_PROXY": proxyURL]
        )
        #expect(through.status == 0, "\(through.stderr)")
        #expect(through.stderr.contains("proxy: http via http://***@127.0.0.1:\(proxy.port)"), "\(through.stderr)")
        #expect(!through.stderr.contains("s3cret") && !through.stdout.contains("s3cret"))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains("api.shotrunner.invalid") && $0.hasPrefix("POST") || $0.hasPrefix("CONNECT api.shotrunner.invalid") }, "\(lines)")
        #expect(lines.allSatisfy { $0.contains("auth=Basic ") }, "every request through the proxy carries its credentials: \(lines)")
        #expect(FileManager.default.fileExists(atPath: out + "/a/opening.mp4"))
        // The download went through the proxy too (the simulator's output URLs are on 127.0.0.1).
        #expect(lines.contains { $0.hasPrefix("CONNECT 127.0.0.1:\(port)") || $0.contains("127.0.0.1:\(port)/files/") }, "\(lines)")

        let before = lines.count
        let direct = try await CLIProcess.run(
            ["run", Self.minimal, "--out", out + "/b", "--base-url", simulator.baseURL, "--yes", "--poll-min", "10ms"],
            environment: ["RUNCOMFY_API_TOKEN": "t", "HTTP_PROXY": proxyURL, "NO_PROXY": "localhost,127.0.0.1"]
        )
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == before, "NO_PROXY hosts go direct")
    }
}

extension UnattendedTests {
    /// The simulator's count of calls to an endpoint so far.
    private func calls(_ endpoint: String, _ simulator: SimulatorProcess) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: simulator.baseURL + "/_sim/stats")))
        let stats = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (stats["calls"] as? [String: Int])?[endpoint] ?? 0
    }

    @Test("a Ctrl-C during the price lookup ends the run on record, notified, with nothing submitted")
    func interruptedWhilePreparing() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--model-info-delay", "2"])
        // A sink that never answers keeps the signal's end (and the process) alive for 15 s: long after the price
        // arrives, so a run that went on preparing would confirm (--yes) and submit.
        let sink = try await HTTPSink(mode: "hang")
        let out = try folder() + "/run"
        let process = Process()
        process.executableURL = CLIProcess.binary
        process.arguments = ["run", Self.storyboard, "--out", out, "--base-url", simulator.baseURL, "--yes", "--notify", sink.url]
        process.environment = ChildProcess.environment(adding: ["RUNCOMFY_API_TOKEN": "t"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        // Once the price call is in flight (it answers only after 3 s), interrupt.
        var asked = 0
        for _ in 0..<200 where asked == 0 {
            asked = try await calls("model", simulator)
            if asked == 0 { try await Task.sleep(for: .milliseconds(25)) }
        }
        try #require(asked == 1, "the run never asked for the price")
        kill(process.processIdentifier, SIGINT)
        var iterator = exited.stream.makeAsyncIterator()
        let status = await iterator.next()
        #expect(status == 130)
        #expect(try await calls("submit", simulator) == 0, "nothing may be submitted after the signal")
        let ledger = try String(contentsOfFile: out + "/ledger.jsonl", encoding: .utf8)
        #expect(!ledger.contains("\"submit_intent\""))
        #expect(ledger.split(separator: "\n").last?.contains("\"run_finished\"") == true, "the end is on record")
        let notes = try sink.bodies()
        #expect(!notes.isEmpty && notes.allSatisfy { $0["exit_code"] as? Int == 130 }, "\(notes)")
    }
}
