public import Logging
public import PostgresNIO
public import ResultsLedger
import Synchronization

/// The ledger of one batch kept in PostgreSQL and shared by every worker that renders it: the store protocol's
/// second implementation. Lines are rows (today's JSON line format), committed before a caller goes on
/// (`synchronous_commit` stays on); each worker keeps the live fold of every worker's lines. Admission is one
/// transaction under an advisory lock on the account: the worker's lease (fencing), the account's pause and its
/// requests at the service (the account-wide cap), the batch's whole spend (the cap), then the intent row, the
/// request counted and the spend reserved, all committed together or not at all.
public actor PostgresLedger: LedgerStore {
    /// Who this worker is and what it works on.
    public struct Identity: Sendable {
        public var batch: String
        public var worker: String
        public var host: String
        public var pid: Int
        /// A hash of the base URL and token: the account, never the token.
        public var account: String
        /// `--account-concurrency`: requests at the service across every worker of every batch of the account.
        public var accountConcurrency: Int?
        /// `--lease`: a worker silent this long loses its claims and is never admitted again.
        public var lease: Duration

        public init(batch: String, worker: String, host: String, pid: Int, account: String, accountConcurrency: Int?, lease: Duration) {
            (self.batch, self.worker, self.host, self.pid, self.account) = (batch, worker, host, pid, account)
            (self.accountConcurrency, self.lease) = (accountConcurrency, lease)
        }
    }

    public private(set) var fold = LedgerFold()
    private let client: PostgresClient
    private let identity: Identity
    private let logger: Logger
    /// The last row folded (this worker's own rows are folded as they are written).
    private var lastSeq: Int64 = 0
    /// The batch's spend as the database holds it, and what admitted intents reserve until written.
    private let spend = Mutex((folder: 0.0, beforeLatestRun: 0.0, reserved: 0.0))

    /// Joins a batch: makes its row if it is the first worker (with its account), registers this worker with a
    /// lease from now, and folds every line written so far.
    public init(client: PostgresClient, identity: Identity, logger: Logger) async throws {
        self.client = client
        self.identity = identity
        self.logger = logger
        let seconds = Double(identity.lease.components.seconds)
        try await client.query(
            "INSERT INTO shotrunner_batches (name, account) VALUES (\(identity.batch), \(identity.account)) ON CONFLICT (name) DO NOTHING",
            logger: logger
        )
        try await client.query(
            """
            INSERT INTO shotrunner_workers (id, batch, host, pid, lease_until)
            VALUES (\(identity.worker), \(identity.batch), \(identity.host), \(identity.pid), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until
            """,
            logger: logger
        )
        _ = try await readOthers(includingOwn: true)
    }

    // MARK: - The store protocol

    /// Writes lines in one transaction (the batch's spend moved by what they change in it), then folds them.
    public func append(_ events: [LedgerEvent], releasing reservation: Double) async throws(LedgerError) {
        defer { release(reservation) }
        var next = fold
        for event in events { next.apply(event) }
        let delta = next.spent - fold.spent
        do {
            try await client.withTransaction(logger: logger) { connection in
                for event in events { try await insert(event, on: connection) }
                if delta != 0 {
                    try await connection.query("UPDATE shotrunner_batches SET spent = spent + \(delta) WHERE name = \(identity.batch)", logger: logger)
                }
            }
        } catch {
            throw Self.failure(error)
        }
        fold = next
        publishSpend()
    }

    public func admit(_ intent: LedgerEvent, estimate: Double, gate: SpendGate) async -> Admission {
        do {
            let answer: Admission = try await client.withTransaction(logger: logger) { connection in
                try await decide(intent, estimate: estimate, gate: gate, on: connection)
            }
            guard answer == .admitted else { return answer }
            fold.apply(intent)
            publishSpend()
            return .admitted
        } catch {
            // Not known to be committed: the POST never goes (a retry finds the intent or not, and says so).
            return .stop(Self.failure(error))
        }
    }

    /// The decision inside the admission's transaction; a refusal rolls nothing back because nothing was written.
    private func decide(_ intent: LedgerEvent, estimate: Double, gate: SpendGate, on connection: PostgresConnection) async throws -> Admission {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(identity.account), 0))", logger: logger)
        let lease = try await single(Bool.self, "SELECT lease_until > now() FROM shotrunner_workers WHERE id = \(identity.worker)", on: connection)
        guard lease == true else { return .stop(.io(operation: "admit", path: identity.batch, reason: "this worker's lease lapsed", errno: 0)) }
        if let pause = try await single(Double.self, """
            SELECT extract(epoch FROM paused_until - now())::float8 FROM shotrunner_accounts
            WHERE account = \(identity.account) AND paused_until > now()
            """, on: connection)
        {
            return .wait(seconds: max(0.05, pause))
        }
        if let cap = identity.accountConcurrency {
            let busy = try await single(Int.self, "SELECT count(*)::int8 FROM shotrunner_in_flight WHERE account = \(identity.account)", on: connection) ?? 0
            if busy >= cap { return .wait(seconds: 0.25) }
        }
        let spent = try await single(Double.self, "SELECT spent FROM shotrunner_batches WHERE name = \(identity.batch) FOR UPDATE", on: connection) ?? 0
        let decision = gate.before(spent: spent, estimate: estimate)
        guard decision == .admit else { return .refused(decision) }
        try await insert(intent, on: connection)
        try await connection.query(
            """
            INSERT INTO shotrunner_in_flight (batch, job, account, worker) VALUES (\(identity.batch), \(intent.job), \(identity.account), \(identity.worker))
            ON CONFLICT (batch, job) DO UPDATE SET worker = excluded.worker, since = now()
            """,
            logger: logger
        )
        var next = fold
        next.apply(intent)
        let delta = next.spent - fold.spent
        try await connection.query("UPDATE shotrunner_batches SET spent = spent + \(delta) WHERE name = \(identity.batch)", logger: logger)
        return .admitted
    }

    public nonisolated func reserve(_ amount: Double) {
        spend.withLock { $0.reserved += amount }
    }

    private func release(_ amount: Double) {
        spend.withLock { $0.reserved -= amount }
    }

    /// Claims jobs no other worker holds, in order, up to `limit`.
    public func claim(_ jobs: [String], limit: Int) async -> [String] {
        var claimed: [String] = []
        for job in jobs where claimed.count < limit {
            let rows = try? await client.query(
                """
                INSERT INTO shotrunner_claims (batch, job, worker) VALUES (\(identity.batch), \(job), \(identity.worker))
                ON CONFLICT (batch, job) DO UPDATE SET worker = excluded.worker
                WHERE shotrunner_claims.worker = excluded.worker
                   OR NOT EXISTS (SELECT 1 FROM shotrunner_workers w WHERE w.id = shotrunner_claims.worker AND w.lease_until > now())
                RETURNING job
                """,
                logger: logger
            )
            guard let rows else { continue }
            if (try? await rows.collect().isEmpty) == false { claimed.append(job) }
        }
        return claimed
    }

    /// The job no longer waits on the service: its request stops counting against the account.
    public func release(job: String) async {
        _ = try? await client.query("DELETE FROM shotrunner_in_flight WHERE batch = \(identity.batch) AND job = \(job)", logger: logger)
    }

    /// Every other worker's lines since the last look, folded in.
    public func changes() async throws(LedgerError) -> [LedgerEvent] {
        do {
            return try await readOthers(includingOwn: false)
        } catch {
            throw Self.failure(error)
        }
    }

    public nonisolated var spent: (folder: Double, latestRun: Double) {
        spend.withLock { ($0.folder + $0.reserved, $0.folder - $0.beforeLatestRun + $0.reserved) }
    }

    // MARK: - The worker's life

    /// Renews this worker's lease (every lease/6, by the database's clock).
    public func heartbeat() async throws(LedgerError) {
        let seconds = Double(identity.lease.components.seconds)
        do {
            try await client.query(
                "UPDATE shotrunner_workers SET lease_until = now() + make_interval(secs => \(seconds)) WHERE id = \(identity.worker)", logger: logger
            )
        } catch {
            throw Self.failure(error)
        }
    }

    /// A 429 pauses submits for every worker of the account until `seconds` from now.
    public func pauseAccount(for seconds: Double) async {
        _ = try? await client.query(
            """
            INSERT INTO shotrunner_accounts (account, paused_until) VALUES (\(identity.account), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (account) DO UPDATE SET paused_until = greatest(shotrunner_accounts.paused_until, excluded.paused_until)
            """,
            logger: logger
        )
    }

    // MARK: - Rows

    private func insert(_ event: LedgerEvent, on connection: PostgresConnection) async throws {
        try await connection.query(
            "INSERT INTO shotrunner_events (batch, worker, line) VALUES (\(identity.batch), \(identity.worker), \(event.line))", logger: logger
        )
    }

    /// Folds the rows after `lastSeq` (this worker's own too, when joining).
    private func readOthers(includingOwn: Bool) async throws -> [LedgerEvent] {
        let rows = try await client.query(
            "SELECT seq, worker, line FROM shotrunner_events WHERE batch = \(identity.batch) AND seq > \(lastSeq) ORDER BY seq", logger: logger
        )
        var events: [LedgerEvent] = []
        for try await row in rows {
            let (seq, worker, line) = try row.decode((Int64, String, String).self)
            lastSeq = max(lastSeq, seq)
            guard includingOwn || worker != identity.worker, let event = LedgerEvent(line: line) else { continue }
            fold.apply(event)
            events.append(event)
        }
        publishSpend()
        return events
    }

    private func single<Value: PostgresDecodable>(_: Value.Type, _ query: PostgresQuery, on connection: PostgresConnection) async throws -> Value? {
        let rows = try await connection.query(query, logger: logger)
        var value: Value?
        for try await row in rows { value = try row.decode(Value.self) }
        return value
    }

    private func publishSpend() {
        let fold = fold
        spend.withLock { $0.folder = fold.spent; $0.beforeLatestRun = fold.spentBeforeLatestRun }
    }

    private static func failure(_ error: any Error) -> LedgerError {
        if let error = error as? LedgerError { return error }
        return .io(operation: "write", path: "the shared ledger", reason: "\(String(reflecting: error))", errno: 0)
    }
}
