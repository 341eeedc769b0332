import Logging
import PostgresNIO
public import ResultsLedger

/// A worker's life in its batch: joining it (the first worker opens it, the others check that they render the
/// same), the heartbeat that keeps its lease, a throttled account's pause, and leaving.
extension PostgresLedger {
    /// What joining a batch found.
    public enum Joining: Sendable, Equatable {
        /// No live worker renders the batch: this one writes its opening lines (then calls `opened()`).
        case open
        /// Live workers render the batch with the same inputs: this one helps them.
        case joined
        /// Live workers render it with other inputs (what differs).
        case differs(String)
        /// Another live worker is writing the batch's opening lines: ask again shortly.
        case wait
    }

    /// Joins the batch under its lock: registers this worker; with another live worker and a job list on record,
    /// compares (`differs` says what is not the same) and joins; with none, this one opens it (others wait until
    /// `opened()`). The fold is brought up to date first, inside the same transaction.
    public func join(differs: @escaping @Sendable (LedgerFold) -> String?) async throws(LedgerError) -> Joining {
        do {
            let answer: Joining? = try await bounded {
                try await self.client.withTransaction(logger: self.logger) { connection in
                    try await self.decideJoining(differs: differs, on: connection)
                }
            }
            guard let answer else { throw NoAnswer() }
            return answer
        } catch {
            throw Self.failure(error)
        }
    }

    /// The joining decision, inside its transaction, under the batch's lock.
    private func decideJoining(differs: @Sendable (LedgerFold) -> String?, on connection: PostgresConnection) async throws -> Joining {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(identity.batch), 1))", logger: logger)
        _ = try await readOthers(includingOwn: true, on: connection)
        let batch = try await single(String?.self, "SELECT account FROM shotrunner.batches WHERE name = \(identity.batch)", on: connection) ?? nil
        let opener = try await single(String?.self, """
            SELECT b.opening FROM shotrunner.batches b JOIN shotrunner.workers w ON w.id = b.opening
            WHERE b.name = \(identity.batch) AND w.lease_until > now() AND w.id <> \(identity.worker)
            """, on: connection) ?? nil
        if opener != nil { return .wait }
        let others = try await single(Int.self, """
            SELECT count(*)::int8 FROM shotrunner.workers WHERE batch = \(identity.batch) AND id <> \(identity.worker) AND lease_until > now()
            """, on: connection) ?? 0
        if others > 0, fold.latestInputs != nil {
            if let batch, batch != identity.account { return .differs("another API token or base URL (account)") }
            if let difference = differs(fold) { return .differs(difference) }
            try await register(on: connection)
            return .joined
        }
        try await register(on: connection)
        try await connection.query(
            "UPDATE shotrunner.batches SET opening = \(identity.worker), account = \(identity.account) WHERE name = \(identity.batch)", logger: logger
        )
        return .open
    }

    /// The opening lines are written: workers waiting to join may compare now.
    public func opened() async throws(LedgerError) {
        let (client, logger, identity) = (client, logger, identity)
        do {
            let done: Void? = try await bounded {
                try await client.query("UPDATE shotrunner.batches SET opening = NULL WHERE name = \(identity.batch) AND opening = \(identity.worker)", logger: logger)
            }
            guard done != nil else { throw NoAnswer() }
        } catch {
            throw Self.failure(error)
        }
    }

    /// Renews this worker's lease (every lease/6, by the database's clock); after an outage, first commits what was
    /// spilled meanwhile.
    public func heartbeat() async throws(LedgerError) {
        let seconds = leaseSeconds
        let (client, logger, worker) = (client, logger, identity.worker)
        do {
            try await recover()
            let renewed: Void? = try await bounded {
                try await client.query("UPDATE shotrunner.workers SET lease_until = now() + make_interval(secs => \(seconds)) WHERE id = \(worker) AND left_at IS NULL", logger: logger)
            }
            guard renewed != nil else { throw NoAnswer() }
        } catch {
            throw Self.failure(error)
        }
    }

    /// Other workers write the batch too.
    public nonisolated var isShared: Bool { true }

    /// A throttled answer pauses submits for every worker of the account until `seconds` from now.
    public func throttled(for seconds: Double) async {
        await pauseAccount(for: seconds)
    }

    /// A throttled answer pauses submits for every worker of the account until `seconds` from now.
    public func pauseAccount(for seconds: Double) async {
        let (client, logger, identity) = (client, logger, identity)
        _ = try? await bounded {
            try await client.query(
            """
            INSERT INTO shotrunner.accounts (account, paused_until) VALUES (\(identity.account), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (account) DO UPDATE SET paused_until = greatest(shotrunner.accounts.paused_until, excluded.paused_until)
            """,
            logger: logger
            )
        }
    }

    /// Leaves the batch: its lease ended now, so its claims are anyone's at once (what it submitted is polled by
    /// whoever claims it next). The claims' rows stay: a claim taken over from another worker is one whose job that
    /// worker may have written of, and the taker reads those lines first (a claim made afresh needs no read).
    public func leave() async throws(LedgerError) {
        let (client, logger, identity) = (client, logger, identity)
        do {
            // Tried whatever came before: a worker's last word to the others.
            let left: Void? = try await bounded(always: true) {
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("UPDATE shotrunner.workers SET lease_until = now(), left_at = now() WHERE id = \(identity.worker)", logger: logger)
                    try await connection.query(
                        "UPDATE shotrunner.batches SET opening = NULL WHERE name = \(identity.batch) AND opening = \(identity.worker)", logger: logger
                    )
                }
            }
            guard left != nil else { throw NoAnswer() }
        } catch {
            throw Self.failure(error)
        }
    }
}

extension PostgresLedger {
    /// Gives back the slots that workers of this batch no longer alive left behind for jobs that are not at the
    /// service (ended, never sent, or left pending): a worker that stopped without the database (exit 6, a kill)
    /// could not give them back, and the account's count would keep them. Jobs still rendering keep theirs until a
    /// worker polls them to their end.
    public func reap() async {
        let (client, logger, batch) = (client, logger, identity.batch)
        let held: [String]? = try? await bounded {
            var jobs: [String] = []
            let rows = try await client.query(
                """
                SELECT f.job FROM shotrunner.in_flight f LEFT JOIN shotrunner.workers w ON w.id = f.worker
                WHERE f.batch = \(batch) AND (w.id IS NULL OR w.lease_until <= now())
                """,
                logger: logger
            )
            for try await row in rows { jobs.append(try row.decode(String.self)) }
            return jobs
        }
        for job in held ?? [] where !fold.atService(job) { await release(job: job) }
    }
}

extension LedgerFold {
    /// Whether a job may be at the service now: a submit with no answer yet, or a request id with no end.
    func atService(_ job: String) -> Bool {
        otherRecords(job, except: "").contains { record in
            record.state == .submitting || (record.requestID != nil && [.queued, .running].contains(record.state))
        }
    }
}
