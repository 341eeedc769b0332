import ChildProcessSupport
import Foundation
import Logging
import PostgresNIO
import ResultsLedger
import SharedLedger
import Synchronization
import Testing

/// The shared ledger against a real PostgreSQL server (a throwaway one per test, started by
/// `Tools/testing/pg_throwaway.sh` from Debian's postgresql, which `make test` installs): migrations from many
/// workers at once, the account-wide cap and the spend cap decided atomically across workers, lines seen by the
/// others, and a worker whose lease lapsed never admitted.
@Suite("shared ledger on PostgreSQL", .serialized)
struct PostgresLedgerTests {
    /// A throwaway server and a client pool on it, for one test.
    final class Database: Sendable {
        let folder: String
        let url: LedgerURL
        let client: PostgresClient
        private let running: Task<Void, Never>
        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/testing/pg_throwaway.sh").path

        init() async throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-pg-\(UUID().uuidString)").path
            let started = try await ChildProcess.run(Self.script, ["start", folder])
            guard started.status == 0 else { throw Failed(message: "the throwaway server did not start: \(started.stderr)") }
            url = try LedgerURL(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            client = PostgresClient(
                configuration: .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable),
                backgroundLogger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            let client = client
            running = Task { await client.run() }
        }

        func stop() async {
            running.cancel()
            _ = try? await ChildProcess.run(Self.script, ["stop", folder])
        }

        func store(batch: String, worker: String, cap: Int? = nil) async throws -> PostgresLedger {
            try await PostgresLedger(
                client: client,
                identity: .init(batch: batch, worker: worker, host: "test", pid: 1, account: "acct-1", accountConcurrency: cap, lease: .seconds(60)),
                logger: quiet
            )
        }

        func scalar(_ query: PostgresQuery) async throws -> Int {
            var value = 0
            for try await row in try await client.query(query, logger: quiet) { value = try row.decode(Int.self) }
            return value
        }
    }

    struct Failed: Error { let message: String }

    /// What the workers saw at the service: how many requests at once, the most at once, how many admitted.
    final class Tally: Sendable {
        let counts = Mutex((now: 0, most: 0, admitted: 0))
        func admitted() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.admitted += 1 } }
        func done() { counts.withLock { $0.now -= 1 } }
        var seen: (now: Int, most: Int, admitted: Int) { counts.withLock { $0 } }
    }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    var quiet: Logger { Self.quiet }

    static func intent(_ job: String, _ estimate: Double = 1) -> LedgerEvent {
        .submitIntent(job: job, key: "v1:" + job, attempt: 1, estimate: estimate, time: "2026-12-07T10:00:00.000Z")
    }

    @Test("many workers migrate at once: each version made once")
    func migrations() async throws {
        let database = try await Database()
        let client = database.client
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await SharedLedgerSchema.migrate(client, logger: Self.quiet) } }
            var before: [Int] = []
            for try await version in group { before.append(version) }
            #expect(before.filter { $0 == 0 }.count >= 1 && before.allSatisfy { (0...SharedLedgerSchema.current).contains($0) })
        }
        #expect(try await database.scalar("SELECT count(*)::int8 FROM shotrunner.versions") == SharedLedgerSchema.current)
        #expect(try await SharedLedgerSchema.migrate(client, logger: quiet) == SharedLedgerSchema.current)
        await database.stop()
    }

    @Test("three workers of two batches on one account: never more than the account's cap at the service")
    func accountCap() async throws {
        let database = try await Database()
        try await SharedLedgerSchema.migrate(database.client, logger: quiet)
        let workers = [
            try await database.store(batch: "nightly", worker: "w1", cap: 2), try await database.store(batch: "nightly", worker: "w2", cap: 2),
            try await database.store(batch: "retakes", worker: "w3", cap: 2),
        ]
        let atService = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, worker) in workers.enumerated() {
                group.addTask {
                    for job in 0..<8 {
                        let id = "w\(number)-j\(job)"
                        while true {
                            let answer = await worker.admit(Self.intent(id, 0.5), estimate: 0.5, gate: SpendGate(cap: nil))
                            if answer == .admitted { break }
                            guard case .wait(let seconds) = answer else { throw Failed(message: "\(id): \(answer)") }
                            // The store's answer says when to ask again.
                            try await Task.sleep(for: .milliseconds(Int(min(seconds, 0.05) * 1000)))
                        }
                        atService.admitted()
                        await Task.yield()
                        atService.done()
                        await worker.release(job: id)
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = atService.seen
        #expect(seen.admitted == 24)
        #expect(seen.most <= 2 && seen.most >= 1)
        #expect(try await database.scalar("SELECT count(*)::int8 FROM shotrunner.in_flight") == 0)
        #expect(try await database.scalar("SELECT count(*)::int8 FROM shotrunner.events WHERE line LIKE '%submit_intent%'") == 24)
        await database.stop()
    }

    @Test("--max-cost over a batch's whole spend, decided atomically: three workers racing stop at the cap together")
    func spendCap() async throws {
        let database = try await Database()
        try await SharedLedgerSchema.migrate(database.client, logger: quiet)
        var workers: [PostgresLedger] = []
        for name in ["w1", "w2", "w3"] { workers.append(try await database.store(batch: "capped", worker: name)) }
        let gate = SpendGate(cap: 5)
        let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
            for (number, worker) in workers.enumerated() {
                group.addTask {
                    var count = 0
                    for job in 0..<4 where await worker.admit(Self.intent("w\(number)-\(job)"), estimate: 1, gate: gate) == .admitted { count += 1 }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(admitted == 5)
        #expect(try await database.scalar("SELECT spent::int8 FROM shotrunner.batches WHERE name = 'capped'") == 5)
        // A fourth worker joining reads the same spend from the lines.
        let late = try await database.store(batch: "capped", worker: "w4")
        #expect(late.spent.folder == 5)
        await database.stop()
    }

    @Test("one worker's lines reach the others' folds; a worker whose lease lapsed is never admitted")
    func changesAndFencing() async throws {
        let database = try await Database()
        try await SharedLedgerSchema.migrate(database.client, logger: quiet)
        let first = try await database.store(batch: "b", worker: "w1")
        let second = try await database.store(batch: "b", worker: "w2")
        #expect(await first.admit(Self.intent("shot"), estimate: 1, gate: SpendGate(cap: nil)) == .admitted)
        try await first.append([.submitted(job: "shot", key: "v1:shot", requestID: "req_1", time: "2026-12-07T10:00:01.000Z")], releasing: 0)
        let heard = try await second.changes()
        #expect(heard.map(\.kind) == [.submitIntent, .submitted])
        #expect(await second.fold.record("shot", key: "v1:shot").requestID == "req_1")
        #expect(try await second.changes().isEmpty)
        // w1's lease lapses: fenced out inside the admission's own transaction.
        try await database.client.query("UPDATE shotrunner.workers SET lease_until = now() - interval '1 second' WHERE id = 'w1'", logger: quiet)
        guard case .wait = await first.admit(Self.intent("other"), estimate: 1, gate: SpendGate(cap: nil)) else {
            Issue.record("a worker whose lease lapsed was admitted")
            await database.stop()
            return
        }
        try await first.heartbeat()
        #expect(await first.admit(Self.intent("other"), estimate: 1, gate: SpendGate(cap: nil)) == .admitted)
        // Claims: a job held by a live worker is not taken by another; one whose worker's lease lapsed is.
        #expect(await first.claim(["x", "y"], limit: 5) == ["x", "y"])
        #expect(await second.claim(["x", "y", "z"], limit: 5) == ["z"])
        try await database.client.query("UPDATE shotrunner.workers SET lease_until = now() - interval '1 second' WHERE id = 'w1'", logger: quiet)
        #expect(await second.claim(["x"], limit: 5) == ["x"])
        // w1 comes back (its heartbeat renews the lease): the job w2 took over is not submitted by w1.
        try await first.heartbeat()
        #expect(await first.admit(Self.intent("x"), estimate: 1, gate: SpendGate(cap: nil)) == .refused(.admit))
        #expect(await second.admit(Self.intent("x"), estimate: 1, gate: SpendGate(cap: nil)) == .admitted)
        // An attempt the database has already admitted is never admitted again, whatever a worker's fold says.
        #expect(await second.admit(Self.intent("x"), estimate: 1, gate: SpendGate(cap: nil)) == .refused(.admit))
        #expect(try await database.scalar("SELECT count(*)::int8 FROM shotrunner.events WHERE line LIKE '%\"submit_intent\",\"job\":\"x\"%'") == 1)
        await database.stop()
    }
}
