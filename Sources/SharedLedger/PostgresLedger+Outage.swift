import Foundation
import Logging
import PostgresNIO
public import ResultsLedger

/// The database going away and coming back: nothing is submitted without a committed intent, what a worker learns
/// meanwhile is spilled to its own file in the run folder (fsync'd), and all of it is committed, in order, before
/// anything new once the database answers again.
extension PostgresLedger {
    /// What an outage leaves to do.
    struct Outage: Sendable {
        var since: ContinuousClock.Instant?
        /// The writes spilled: their lines and the spend they moved (committed with them, each write once: one that
        /// reached the database after all is not written again).
        var spilled: [(lines: [String], delta: Double)] = []
        /// Intents whose commit was not confirmed.
        var unconfirmed: [LedgerEvent] = []
        /// Jobs whose slot could not be given back.
        var unreleased: [String] = []
        /// A recovery under way, and when the last one was tried.
        var recovering = false
        var lastTry: ContinuousClock.Instant?

        mutating func began() {
            since = since ?? .now
        }

        /// Whether the database has not answered for less than `timeout`.
        func within(_ timeout: Duration) -> Bool {
            guard let since else { return true }
            return ContinuousClock.now - since < timeout
        }

        var pending: Bool { !spilled.isEmpty || !unconfirmed.isEmpty || !unreleased.isEmpty }
    }

    /// A write the database did not answer in time.
    struct NoAnswer: Error, CustomStringConvertible {
        var description: String { "the database did not answer in time" }
    }

    /// A database call with the outage's rules: at most `callTimeout` long (nil when it did not answer in time), and
    /// while the database stays away, tried at most once a second (nil at once meanwhile, unless `always`), so that a
    /// worker in an outage does not wait at every step.
    func bounded<Value: Sendable>(always: Bool = false, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value? {
        if !always, outage.since != nil, let tried = outage.lastTry, ContinuousClock.now - tried < .seconds(1) { return nil }
        do {
            guard let value = try await Deadline.answered(within: identity.callTimeout, body) else {
                noAnswer()
                return nil
            }
            if !outage.pending { outage.since = nil }
            return value
        } catch {
            noAnswer()
            throw error
        }
    }

    private func noAnswer() {
        outage.began()
        outage.lastTry = .now
    }

    var spillFile: SpillFile? { identity.folder.map { SpillFile(folder: $0, worker: identity.worker) } }

    /// Lines that could not be committed, into the spill file (or the failure, without a folder or a writable file).
    func spill(_ events: [LedgerEvent], delta: Double, _ error: any Error) throws(LedgerError) {
        guard let file = spillFile else { throw Self.failure(error) }
        let lines = events.map(\.line)
        do {
            try file.append(lines)
        } catch {
            throw .io(operation: "spill", path: file.path, reason: "the database did not answer and the spill file cannot be written: \(error)", errno: 0)
        }
        outage.began()
        outage.spilled.append((lines, delta))
    }

    /// Once the database answers: the spilled lines and the withdrawals of unconfirmed intents that made it, in one
    /// transaction, before any new line. Throws while it does not answer.
    func recover() async throws {
        guard outage.pending else { return }
        // One recovery at a time, and at most one try a second while the database stays away: meanwhile writes
        // spill at once (after what is already spilled, so the order holds).
        if outage.recovering { throw NoAnswer() }
        outage.recovering = true
        defer { outage.recovering = false }
        let spilled = outage.spilled
        let unconfirmed = outage.unconfirmed
        let unreleased = outage.unreleased
        let base = fold
        let (client, logger, identity) = (client, logger, identity)
        let committed: [(intent: LedgerEvent, notSent: LedgerEvent)]? = try await bounded {
            try await client.withTransaction(logger: logger) { connection in
                var withdrawals: [(intent: LedgerEvent, notSent: LedgerEvent)] = []
                var delta = 0.0
                for write in spilled where try await !self.exists(write.lines[0], worker: identity.worker, on: connection) {
                    for line in write.lines {
                        try await connection.query(
                            "INSERT INTO shotrunner.events (batch, worker, line) VALUES (\(identity.batch), \(identity.worker), \(line))", logger: logger
                        )
                    }
                    delta += write.delta
                }
                for intent in unconfirmed {
                    guard try await self.exists(intent.line, worker: identity.worker, on: connection), case .submitIntent(let fields) = intent.payload else { continue }
                    let notSent = LedgerEvent.notSent(
                        job: intent.job, key: fields.key ?? "", attempt: fields.attempt ?? 1,
                        reason: "the database did not confirm the intent's commit, so the submit was never sent", time: Timestamp.now()
                    )
                    var before = base
                    before.apply(intent)
                    var after = before
                    after.apply(notSent)
                    try await self.insert(notSent, on: connection)
                    withdrawals.append((intent, notSent))
                    delta += after.spent - before.spent
                }
                if delta != 0 {
                    try await connection.query("UPDATE shotrunner.batches SET spent = spent + \(delta) WHERE name = \(identity.batch)", logger: logger)
                }
                for job in unreleased {
                    try await connection.query("DELETE FROM shotrunner.in_flight WHERE batch = \(identity.batch) AND job = \(job)", logger: logger)
                }
                return withdrawals
            }
        }
        guard let committed else { throw NoAnswer() }
        for withdrawal in committed {
            fold.apply(withdrawal.intent)
            fold.apply(withdrawal.notSent)
        }
        // What was handled goes; what spilled meanwhile (none: writes spill while this runs) would stay.
        outage.spilled.removeFirst(spilled.count)
        outage.unconfirmed.removeFirst(unconfirmed.count)
        outage.unreleased.removeFirst(unreleased.count)
        if outage.spilled.isEmpty {
            spillFile?.remove()
        } else {
            try? spillFile?.rewrite(outage.spilled.flatMap(\.lines))
        }
        if !outage.pending { outage = Outage() }
        publishSpend()
    }

    /// At a worker's start: the spill files other workers of this folder left (they are gone), committed under the
    /// batch's lock, each once, and removed. Lines already folded by their own worker are not folded again.
    public func replaySpills() async throws(LedgerError) {
        guard let folder = identity.folder else { return }
        for file in SpillFile.all(in: folder) where file.worker != identity.worker {
            do {
                let replayed: [LedgerEvent] = try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(identity.batch), 1))", logger: logger)
                    let alive = try await single(Bool.self, "SELECT lease_until > now() FROM shotrunner.workers WHERE id = \(file.worker)", on: connection)
                    // Its worker still runs (it replays its own), or another start replayed it meanwhile.
                    guard alive != true, FileManager.default.fileExists(atPath: file.path) else { return [] }
                    var events: [LedgerEvent] = []
                    for line in file.lines() where try await !exists(line, worker: file.worker, on: connection) {
                        try await connection.query(
                            "INSERT INTO shotrunner.events (batch, worker, line) VALUES (\(identity.batch), \(file.worker), \(line))", logger: logger
                        )
                        if let event = LedgerEvent(line: line) { events.append(event) }
                    }
                    var next = fold
                    for event in events { next.apply(event) }
                    let delta = next.spent - fold.spent
                    if delta != 0 {
                        try await connection.query("UPDATE shotrunner.batches SET spent = spent + \(delta) WHERE name = \(identity.batch)", logger: logger)
                    }
                    return events
                }
                file.remove()
                for event in replayed { fold.apply(event) }
            } catch {
                throw Self.failure(error)
            }
        }
        publishSpend()
    }

    /// Whether a worker's line is in the database already (a line's text, with its time to the millisecond, is
    /// its identity).
    nonisolated func exists(_ line: String, worker: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT 1 FROM shotrunner.events WHERE batch = \(identity.batch) AND worker = \(worker) AND line = \(line) LIMIT 1", logger: logger
        )
        return try await !rows.collect().isEmpty
    }
}
