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
        // A folder-mode run of that folder refuses, naming the database.
        let folderRun = try await CLIProcess.run(["run", manifest, "--catalog", fixture.catalog, "--out", out, "--simulate"])
        #expect(folderRun.status == 2 && folderRun.stderr.contains("--ledger postgres://"), "\(folderRun.stderr)")
        await fixture.stop()
    }
}
