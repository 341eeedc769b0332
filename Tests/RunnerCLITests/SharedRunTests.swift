import ChildProcessSupport
import Foundation
import Testing

/// `run --ledger`: real worker processes of one batch against `shotrunner simulate` and a throwaway PostgreSQL
/// server. Every job rendered once, the account's cap held at the service across workers and batches, a worker
/// killed mid-run taken over (its requests polled, never sent again).
@Suite("shared ledger: workers of one batch", .serialized)
struct SharedRunTests {
    /// Each accepted body's count at the service: none may be above 1.
    static func duplicates(_ stats: [String: Any]) -> Int {
        (stats["accepted_by_body"] as? [String: Int] ?? [:]).values.filter { $0 > 1 }.count
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test("three workers (concurrency 4, account cap 6) render a 60-job batch: each job once, never more than 6 at the service")
    func threeWorkers() async throws {
        // A limit of 6 at the service: a seventh job queued or running is refused (429) and counted.
        let fixture = try await SharedBatchFixture(simulator: ["--clock-scale", "0.01", "--concurrency-limit", "6"])
        let manifest = try fixture.manifest("board.yaml", shots: 60)
        let out = fixture.folder.appendingPathComponent("out").path
        let workers = try (0..<3).map { _ in try fixture.worker(manifest, batch: "nightly", out: out, ["--concurrency", "4", "--account-concurrency", "6"]) }
        for worker in workers {
            let status = await worker.exitStatus()
            #expect(status == 0, "\(worker.stderr)")
        }
        let stats = try await fixture.stats()
        #expect(stats["accepted_submits"] as? Int == 60)
        #expect(Self.duplicates(stats) == 0)
        #expect((stats["max_active"] as? Int ?? 99) <= 6 && stats["refused_for_concurrency"] as? Int == 0, "\(stats["max_active"] ?? "-")")
        // The work was shared: more than one worker submitted.
        let submitters = try await fixture.scalar("SELECT count(DISTINCT worker) FROM shotrunner.events WHERE line LIKE '%\"submit_intent\"%'")
        #expect(submitters >= 2)
        // A fourth process sees the batch: from the database, and from the run folder's pointer.
        let status = try await CLIProcess.run(["status", "--ledger", fixture.url, "--batch", "nightly", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let document = try Self.json(status.stdout)
        #expect((document["counts"] as? [String: Int]) == ["completed": 60])
        let workersShown = try #require(document["workers"] as? [[String: Any]])
        #expect(workersShown.count == 3 && workersShown.allSatisfy { $0["left"] as? Bool == true })
        let byFolder = try await CLIProcess.run(["status", out, "--json"])
        #expect(try Self.json(byFolder.stdout)["counts"] as? [String: Int] == ["completed": 60], "\(byFolder.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".mp4") }
        #expect(files.count == 60)
        // The folder's readers go to the database too: report, and a decision (in the folder, where workers read it).
        let report = try await CLIProcess.run(["report", out, "--json"])
        #expect(report.status == 0 && report.stdout.contains("\"completed\""), "\(report.stderr)")
        let approve = try await CLIProcess.run(["approve", out, "s7"])
        #expect(approve.status == 0, "\(approve.stderr)")
        let approved = try Self.json(try await CLIProcess.run(["status", out, "--json"]).stdout)
        let s7 = (approved["jobs"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "s7" }
        #expect(s7?["approved"] as? Bool == true)
        // A folder-mode run of that folder refuses, naming the database.
        let folderRun = try await CLIProcess.run(["run", manifest, "--catalog", fixture.catalog, "--out", out, "--simulate"])
        #expect(folderRun.status == 2 && folderRun.stderr.contains("--ledger postgres://"), "\(folderRun.stderr)")
        await fixture.stop()
    }

    @Test("a worker SIGKILLed mid-run: the others finish the batch, polling what it submitted, never submitting it again")
    func killedWorker() async throws {
        let fixture = try await SharedBatchFixture(simulator: ["--clock-scale", "0.02", "--concurrency-limit", "6"])
        let manifest = try fixture.manifest("board.yaml", shots: 30)
        let out = fixture.folder.appendingPathComponent("out").path
        let options = ["--concurrency", "4", "--account-concurrency", "6", "--lease", "3s"]
        let victim = try fixture.worker(manifest, batch: "nightly", out: out, options)
        let survivors = try (0..<2).map { _ in try fixture.worker(manifest, batch: "nightly", out: out, options) }
        // Killed once it has requests at the service that it has not seen to their end.
        let own = "worker LIKE '%-\(victim.pid)-%'"
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while try await fixture.scalar("SELECT count(*) FROM shotrunner.events WHERE \(own) AND line LIKE '%\"submitted\"%'") < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(victim.pid, SIGKILL)
        #expect(await victim.exitStatus() == 128 + SIGKILL)
        let submittedByVictim = try await fixture.rows("SELECT line::json->>'job' FROM shotrunner.events WHERE \(own) AND line LIKE '%\"submitted\"%'")
        let unansweredIntents = try await fixture.rows("""
            SELECT i.line::json->>'job' FROM shotrunner.events i WHERE i.\(own) AND i.line LIKE '%"submit_intent"%'
            AND NOT EXISTS (SELECT 1 FROM shotrunner.events a WHERE a.line::json->>'job' = i.line::json->>'job' AND a.seq > i.seq
                            AND a.line::json->>'event' IN ('submitted', 'submit_failed', 'submit_withdrawn'))
            """)
        #expect(submittedByVictim.count >= 2)
        var statuses: [Int32] = []
        for worker in survivors { statuses.append(await worker.exitStatus()) }
        #expect(statuses.allSatisfy { $0 == (unansweredIntents.isEmpty ? 0 : 1) }, "\(statuses) \(survivors.map(\.stderr))")
        let stats = try await fixture.stats()
        #expect(Self.duplicates(stats) == 0)
        let document = try Self.json(try await CLIProcess.run(["status", "--ledger", fixture.url, "--batch", "nightly", "--json"]).stdout)
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        let states = Dictionary(uniqueKeysWithValues: jobs.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
        // What it submitted was polled to its end by the others (one intent each: never sent again).
        for job in submittedByVictim {
            #expect(states[job] == "completed", "\(job)")
            #expect(try await fixture.scalar("SELECT count(*) FROM shotrunner.events WHERE line LIKE '%\"submit_intent\",\"job\":\"\(job)\"%'") == 1)
        }
        // What it may have sent without hearing the answer is unknown_outcome, as a crash makes it; the rest completed.
        #expect(Set(states.filter { $0.value == "unknown_outcome" }.keys) == Set(unansweredIntents))
        #expect(states.values.filter { $0 == "completed" }.count == 30 - unansweredIntents.count)
        #expect((stats["accepted_submits"] as? Int ?? 0) <= 30)
        let workers = try #require(document["workers"] as? [[String: Any]])
        #expect(workers.filter { $0["left"] as? Bool == false && $0["alive"] as? Bool == false }.count == 1)
        await fixture.stop()
    }

    @Test("two batches on one database and account share its cap of 6")
    func twoBatchesShareTheCap() async throws {
        let fixture = try await SharedBatchFixture(simulator: ["--clock-scale", "0.01", "--concurrency-limit", "6"])
        let nightly = try fixture.manifest("nightly.yaml", shots: 24)
        let retakes = try fixture.manifest("retakes.yaml", shots: 24, tag: "Retake")
        let options = ["--concurrency", "4", "--account-concurrency", "6"]
        let workers = [
            try fixture.worker(nightly, batch: "nightly", out: fixture.folder.appendingPathComponent("nightly").path, options),
            try fixture.worker(nightly, batch: "nightly", out: fixture.folder.appendingPathComponent("nightly").path, options),
            try fixture.worker(retakes, batch: "retakes", out: fixture.folder.appendingPathComponent("retakes").path, options),
        ]
        for worker in workers {
            let status = await worker.exitStatus()
            #expect(status == 0, "\(worker.stderr)")
        }
        let stats = try await fixture.stats()
        #expect(stats["accepted_submits"] as? Int == 48)
        #expect(Self.duplicates(stats) == 0)
        // Twelve could have been sent at once (three workers of concurrency 4): the account's cap kept it to 6.
        #expect((stats["max_active"] as? Int ?? 99) <= 6 && stats["refused_for_concurrency"] as? Int == 0, "\(stats["max_active"] ?? "-")")
        #expect(try await fixture.scalar("SELECT count(DISTINCT batch) FROM shotrunner.events") == 2)
        await fixture.stop()
    }

    /// The states of a batch, by job, as `status --ledger --json` shows them.
    static func states(_ fixture: SharedBatchFixture, batch: String) async throws -> [String: String] {
        let document = try json(try await CLIProcess.run(["status", "--ledger", fixture.url, "--batch", batch, "--json"]).stdout)
        let jobs = document["jobs"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: jobs.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
    }

    @Test("the database stopped at once mid-run: workers ride out a short outage; past --db-timeout they stop (exit 6) and the next start finishes, nothing lost or sent twice")
    func databaseOutage() async throws {
        let fixture = try await SharedBatchFixture(simulator: ["--clock-scale", "0.02", "--concurrency-limit", "6"])
        let options = ["--concurrency", "4", "--account-concurrency", "6", "--lease", "3s"]
        func whenSubmitted(_ count: Int, batch: String) async throws {
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while try await fixture.scalar("SELECT count(*) FROM shotrunner.events WHERE batch = '\(batch)' AND line LIKE '%\"submitted\"%'") < count,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        // Ridden out: the database is away longer than a write waits (5 s), so lines spill, then are committed.
        let board = try fixture.manifest("board.yaml", shots: 30)
        let out = fixture.folder.appendingPathComponent("out").path
        let riders = try (0..<2).map { _ in try fixture.worker(board, batch: "rides", out: out, options + ["--db-timeout", "60s"]) }
        try await whenSubmitted(4, batch: "rides")
        try await fixture.killDatabase()
        // Renders finish while it is away: their results can only go to the spill files.
        let spillFolder = out + "/spill"
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ((try? FileManager.default.contentsOfDirectory(atPath: spillFolder)) ?? []).isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let spilled = (try? FileManager.default.contentsOfDirectory(atPath: spillFolder)) ?? []
        #expect(!spilled.isEmpty)
        try await fixture.restartDatabase()
        for worker in riders {
            let status = await worker.exitStatus()
            #expect(status == 0, "\(worker.stderr)")
        }
        #expect(try await Self.states(fixture, batch: "rides").values.allSatisfy { $0 == "completed" })
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: spillFolder)) ?? []).isEmpty)

        // Past --db-timeout: both stop with exit 6, what they learnt in their spill files; the next start commits it.
        let nightly = try fixture.manifest("nightly.yaml", shots: 30, tag: "Night")
        let second = fixture.folder.appendingPathComponent("nightly").path
        let stoppers = try (0..<2).map { _ in try fixture.worker(nightly, batch: "stops", out: second, options + ["--db-timeout", "2s"]) }
        try await whenSubmitted(4, batch: "stops")
        try await fixture.killDatabase()
        for worker in stoppers {
            let status = await worker.exitStatus()
            #expect(status == 6, "\(worker.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: second + "/spill")
        let spilledText = try left.map { try String(contentsOfFile: second + "/spill/" + $0, encoding: .utf8) }.joined()
        #expect(spilledText.contains("\"request_id\"") || spilledText.contains("\"rendered\""), "\(spilledText)")
        try await fixture.restartDatabase()
        let next = try fixture.worker(nightly, batch: "stops", out: second, options)
        let nextStatus = await next.exitStatus()
        #expect(nextStatus == 0, "\(next.stderr)")
        #expect(try await Self.states(fixture, batch: "stops").values.allSatisfy { $0 == "completed" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: second + "/spill").isEmpty)
        let stats = try await fixture.stats()
        // No body accepted twice, and none lost: sixty jobs, sixty accepted submits.
        #expect(Self.duplicates(stats) == 0)
        #expect(stats["accepted_submits"] as? Int == 60)
        await fixture.stop()
    }

    @Test("ledger export folds in today's status to the database's states; ledger import of a half-finished folder is finished by two workers, nothing rendered twice")
    func exportAndImport() async throws {
        let fixture = try await SharedBatchFixture(simulator: ["--clock-scale", "0.005"])
        let options = ["--concurrency", "4", "--account-concurrency", "6"]
        // A batch two workers finished, exported.
        let board = try fixture.manifest("board.yaml", shots: 20)
        let out = fixture.folder.appendingPathComponent("out").path
        for worker in try (0..<2).map({ _ in try fixture.worker(board, batch: "nightly", out: out, options) }) {
            let status = await worker.exitStatus()
            #expect(status == 0, "\(worker.stderr)")
        }
        let exported = fixture.folder.appendingPathComponent("exported")
        try FileManager.default.createDirectory(at: exported, withIntermediateDirectories: true)
        let export = try await CLIProcess.run(["ledger", "export", "--ledger", fixture.url, "--batch", "nightly", "--out", exported.appendingPathComponent("ledger.jsonl").path])
        #expect(export.status == 0, "\(export.stderr)")
        let fromFile = try Self.json(try await CLIProcess.run(["status", exported.path, "--json"]).stdout)
        let fromDatabase = try Self.json(try await CLIProcess.run(["status", "--ledger", fixture.url, "--batch", "nightly", "--json"]).stdout)
        func states(_ document: [String: Any]) -> [String] {
            (document["jobs"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "") \($0["state"] ?? "") \($0["request_id"] ?? "") \($0["file"] ?? "")" }
        }
        #expect(states(fromFile).count == 20 && states(fromFile) == states(fromDatabase))
        #expect(fromFile["counts"] as? [String: Int] == ["completed": 20])
        // While a worker of the batch is alive, refused unless --force.
        _ = try await fixture.rows("INSERT INTO shotrunner.workers (id, batch, host, pid, lease_until) VALUES ('live', 'nightly', 'h', 1, now() + interval '1 hour')")
        let refused = try await CLIProcess.run(["ledger", "export", "--ledger", fixture.url, "--batch", "nightly"])
        #expect(refused.status == 2 && refused.stderr.contains("--force"), "\(refused.stderr)")
        let forced = try await CLIProcess.run(["ledger", "export", "--ledger", fixture.url, "--batch", "nightly", "--force"])
        let written = try String(contentsOf: exported.appendingPathComponent("ledger.jsonl"), encoding: .utf8)
        #expect(forced.status == 0 && forced.stdout.trimmingCharacters(in: .newlines) == written.trimmingCharacters(in: .newlines), "\(forced.stderr)")

        // A folder batch rendered half-way (one shot in three), moved into the database, finished by two workers.
        let half = try fixture.manifest("half.yaml", shots: 30, tag: "Half")
        let folder = fixture.folder.appendingPathComponent("half").path
        let first = try await CLIProcess.run(
            ["run", half, "--catalog", fixture.catalog, "--base-url", fixture.simulator.baseURL, "--out", folder, "--yes", "--only", "s1*"],
            environment: ["RUNCOMFY_API_TOKEN": "test-token"]
        )
        #expect(first.status == 0, "\(first.stderr)")
        let imported = try await CLIProcess.run(["ledger", "import", folder, "--ledger", fixture.url])
        #expect(imported.status == 0 && imported.stdout.contains("as batch half"), "\(imported.stdout) \(imported.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/ledger.url"))
        let folderRun = try await CLIProcess.run(
            ["run", half, "--catalog", fixture.catalog, "--base-url", fixture.simulator.baseURL, "--out", folder, "--yes"], environment: ["RUNCOMFY_API_TOKEN": "test-token"]
        )
        #expect(folderRun.status == 2 && folderRun.stderr.contains("--ledger postgres://"), "\(folderRun.stderr)")
        for worker in try (0..<2).map({ _ in try fixture.worker(half, batch: "half", out: folder, options) }) {
            let status = await worker.exitStatus()
            #expect(status == 0, "\(worker.stderr)")
        }
        let finished = try Self.json(try await CLIProcess.run(["status", folder, "--json"]).stdout)
        #expect(finished["counts"] as? [String: Int] == ["completed": 30])
        let stats = try await fixture.stats()
        #expect(Self.duplicates(stats) == 0)
        // Twenty of the board, then the eleven shots of s1* in the folder, then the nineteen left: each once.
        #expect(stats["accepted_submits"] as? Int == 50)
        await fixture.stop()
    }
}
