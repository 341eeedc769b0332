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
        /// The run folder, where lines that cannot be committed are spilled (`spill/<worker>.jsonl`); without one
        /// a line that cannot be committed is a failure at once.
        public var folder: String?
        /// `--db-timeout`: how long the database may not answer before admissions stop for good.
        public var dbTimeout: Duration
        /// How long one write may wait for the database before its lines are spilled (or its intent withdrawn).
        public var callTimeout: Duration { min(.seconds(5), dbTimeout, lease / 3) }

        public init(
            batch: String, worker: String, host: String, pid: Int, account: String, accountConcurrency: Int?, lease: Duration,
            folder: String? = nil, dbTimeout: Duration = .seconds(300)
        ) {
            (self.batch, self.worker, self.host, self.pid, self.account) = (batch, worker, host, pid, account)
            (self.accountConcurrency, self.lease, self.folder, self.dbTimeout) = (accountConcurrency, lease, folder, dbTimeout)
        }
    }

    public internal(set) var fold = LedgerFold()
    let client: PostgresClient
    let identity: Identity
    let logger: Logger
    /// Rows of transactions below this id are folded (this worker's own rows are folded as they are written).
    /// Readers go by transaction ids, not by `seq`: a row's `seq` is given at insert and its transaction may commit
    /// after a later one's, so "after the last seq read" could pass over it for good.
    var foldedBelow: Int64 = 0
    /// How far the run folder's `decisions.jsonl` is folded (the review room, `pick`, `approve` and `retake` write
    /// there, in the folder the workers share).
    var decisionsRead = 0
    /// When `claim` last brought the fold up to date.
    var lastRead = ContinuousClock.now
    /// While the database does not answer: since when, the spend the spilled lines moved, and the intents whose
    /// commit was not confirmed (never POSTed; `not_sent` once the database answers, if they are there).
    var outage = Outage()
    /// The batch's spend as the database holds it, and what admitted intents reserve until written.
    private let spend = Mutex((folder: 0.0, beforeLatestRun: 0.0, reserved: 0.0))

    /// Opens a batch's store: makes its row if it is new (with its account) and folds every line written so far.
    /// With `register`, also registers this worker with a lease from now (a `run` registers through `join`
    /// instead, under the batch's lock, so that two workers starting at once agree on which opens the batch).
    public init(client: PostgresClient, identity: Identity, logger: Logger, register: Bool = true) async throws {
        self.client = client
        self.identity = identity
        self.logger = logger
        try await client.query(
            "INSERT INTO shotrunner.batches (name, account) VALUES (\(identity.batch), \(identity.account)) ON CONFLICT (name) DO NOTHING",
            logger: logger
        )
        if register {
            try await client.withConnection { connection in try await self.register(on: connection) }
        }
        _ = try await readOthers(includingOwn: true)
        _ = try readDecisions()
    }

    /// The decisions appended to the run folder's `decisions.jsonl` since the last look, folded in.
    func readDecisions() throws(LedgerError) -> [LedgerEvent] {
        guard let folder = identity.folder else { return [] }
        let read = try DecisionLog.read(folder: folder, from: decisionsRead)
        decisionsRead = read.end
        for event in read.events { fold.apply(event) }
        return read.events
    }

    /// This worker's row: its batch, host, account and cap, and a lease from now by the database's clock.
    func register(on connection: PostgresConnection) async throws {
        let seconds = leaseSeconds
        try await connection.query(
            """
            INSERT INTO shotrunner.workers (id, batch, host, pid, lease_until, account, account_cap)
            VALUES (\(identity.worker), \(identity.batch), \(identity.host), \(identity.pid), now() + make_interval(secs => \(seconds)),
                    \(identity.account), \(identity.accountConcurrency))
            ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until, account = excluded.account, account_cap = excluded.account_cap
            """,
            logger: logger
        )
    }

    var leaseSeconds: Double { Double(identity.lease.components.seconds) + Double(identity.lease.components.attoseconds) / 1e18 }

    // MARK: - The store protocol

    /// Writes lines in one transaction (the batch's spend moved by what they change in it), then folds them. While
    /// the database does not answer, the lines go to this worker's spill file instead (fsync'd), to be committed
    /// when it answers again: what a worker learnt (a request id, a result) is never lost.
    public func append(_ events: [LedgerEvent], releasing reservation: Double) async throws(LedgerError) {
        defer { release(reservation) }
        var next = fold
        for event in events { next.apply(event) }
        let delta = next.spent - fold.spent
        do {
            try await recover()
            let (client, logger, batch, worker) = (client, logger, identity.batch, identity.worker)
            let lines = events.map(\.line)
            // One statement, so one round trip and one transaction: the lines, and the spend they move (the batch's
            // row is locked only when they move it).
            let written: Void? = try await bounded {
                if delta == 0 {
                    try await client.query(
                        "INSERT INTO shotrunner.events (batch, worker, line) SELECT \(batch), \(worker), unnest(\(lines)::text[])", logger: logger
                    )
                } else {
                    try await client.query(
                        """
                        WITH written AS (INSERT INTO shotrunner.events (batch, worker, line) SELECT \(batch), \(worker), unnest(\(lines)::text[]))
                        UPDATE shotrunner.batches SET spent = spent + \(delta) WHERE name = \(batch)
                        """,
                        logger: logger
                    )
                }
            }
            guard written != nil else { throw NoAnswer() }
            outage.since = nil
        } catch {
            try spill(events, delta: delta, error)
        }
        // Into the fold as it is now: other workers' lines folded while the transaction was on its way stay.
        for event in events { fold.apply(event) }
        publishSpend()
    }

    public func admit(_ intent: LedgerEvent, estimate: Double, gate: SpendGate) async -> Admission {
        do {
            try await recover()
            let answer: Admission? = try await bounded {
                try await self.client.withTransaction(logger: self.logger) { connection in
                    try await self.decide(intent, estimate: estimate, gate: gate, on: connection)
                }
            }
            guard let answer else { throw NoAnswer() }
            outage.since = nil
            guard answer == .admitted else { return answer }
            fold.apply(intent)
            publishSpend()
            return .admitted
        } catch {
            // Not known to be committed: the POST never goes. If the intent is there when the database answers
            // again, `not_sent` follows it; meanwhile submits wait, until `--db-timeout` stops them.
            outage.began()
            outage.unconfirmed.append(intent)
            guard outage.within(identity.dbTimeout) else { return .stop(Self.failure(error)) }
            return .wait(seconds: 1)
        }
    }

    /// The decision inside the admission's transaction; a refusal rolls nothing back because nothing was written.
    private func decide(_ intent: LedgerEvent, estimate: Double, gate: SpendGate, on connection: PostgresConnection) async throws -> Admission {
        let (account, worker, batch) = (identity.account, identity.worker, identity.batch)
        // Durable commits whatever the database's or the role's default: an intent acknowledged and then lost in a
        // crash would be paid for again.
        try await connection.query(
            "SELECT set_config('synchronous_commit', 'on', true), pg_advisory_xact_lock(hashtextextended(\(account), 0))", logger: logger
        )
        // Everything the decision reads, in one statement taken after the lock: the batch's spend (its row locked),
        // this worker's lease, the account's pause, its cap (the smallest a live worker of it gives, this one's own
        // included) and its requests at the service (every admitted intent not yet given back; a dead worker's for
        // an hour after it was admitted: another worker of its batch polls it to its end meanwhile, or the service
        // ended it).
        let rows = try await connection.query(
            """
            SELECT b.spent,
                (SELECT lease_until > now() FROM shotrunner.workers WHERE id = \(worker)),
                (SELECT extract(epoch FROM paused_until - now())::float8 FROM shotrunner.accounts WHERE account = \(account) AND paused_until > now()),
                (SELECT min(account_cap) FROM shotrunner.workers WHERE account = \(account) AND (lease_until > now() OR id = \(worker))),
                (SELECT count(*)::int8 FROM shotrunner.in_flight f LEFT JOIN shotrunner.workers w ON w.id = f.worker
                 WHERE f.account = \(account) AND (w.lease_until > now() OR f.since > now() - interval '1 hour'))
            FROM shotrunner.batches b WHERE b.name = \(batch) FOR UPDATE OF b
            """,
            logger: logger
        )
        var read: (spent: Double, lease: Bool?, pause: Double?, cap: Int32?, busy: Int)?
        for try await row in rows { read = try row.decode((Double, Bool?, Double?, Int32?, Int).self) }
        guard let read else { return .stop(.io(operation: "admit", path: batch, reason: "the batch has no row in the shared ledger", errno: 0)) }
        // Fenced: a worker whose lease lapsed (the database did not hear from it) is not admitted until its heartbeat
        // renews the lease; a job whose claim another worker took meanwhile is not submitted by this one at all (the
        // claim's row is locked: a takeover waits for this decision, and then sees its intent).
        guard read.lease == true else { return .wait(seconds: max(0.05, leaseSeconds / 6)) }
        let holder = try await single(String.self, "SELECT worker FROM shotrunner.claims WHERE batch = \(batch) AND job = \(intent.job) FOR UPDATE", on: connection)
        if let holder, holder != worker { return .refused(.admit) }
        if let pause = read.pause { return .wait(seconds: max(0.05, pause)) }
        if let cap = read.cap.map(Int.init) ?? identity.accountConcurrency, read.busy >= cap { return .wait(seconds: 0.25) }
        let decision = gate.before(spent: read.spent, estimate: estimate)
        guard decision == .admit else { return .refused(decision) }
        var next = fold
        next.apply(intent)
        let delta = next.spent - fold.spent
        // The intent, the request counted against the account and the spend reserved: one statement, and only if
        // this attempt of the job is new to the database (else nothing is written: another worker made it).
        guard case .submitIntent(let fields) = intent.payload else { return .refused(.admit) }
        let (key, attempt) = (fields.key ?? "", fields.attempt ?? 1)
        let written = try await connection.query(
            """
            WITH bump AS (INSERT INTO shotrunner.attempts (batch, job, key, attempts) VALUES (\(batch), \(intent.job), \(key), \(attempt))
                          ON CONFLICT (batch, job, key) DO UPDATE SET attempts = excluded.attempts
                          WHERE shotrunner.attempts.attempts < excluded.attempts RETURNING 1),
                 line AS (INSERT INTO shotrunner.events (batch, worker, line) SELECT \(batch), \(worker), \(intent.line) WHERE EXISTS (SELECT 1 FROM bump)),
                 slot AS (INSERT INTO shotrunner.in_flight (batch, job, account, worker)
                          SELECT \(batch), \(intent.job), \(account), \(worker) WHERE EXISTS (SELECT 1 FROM bump)
                          ON CONFLICT (batch, job) DO UPDATE SET worker = excluded.worker, since = now())
            UPDATE shotrunner.batches SET spent = spent + \(delta) WHERE name = \(batch) AND EXISTS (SELECT 1 FROM bump) RETURNING 1
            """,
            logger: logger
        )
        guard try await !written.collect().isEmpty else { return .refused(.admit) }
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
        // The fold kept fresh while a round claims (twice a second): what other workers did is known before their
        // jobs come up, and the scheduler passes over them without a claim.
        if ContinuousClock.now - lastRead > .milliseconds(500) {
            lastRead = .now
            _ = try? await bounded({ try await self.readOthers(includingOwn: false) })
        }
        let (client, logger, identity) = (client, logger, identity)
        let won: [(job: String, fresh: Bool)]? = try? await bounded {
            var claimed: [(job: String, fresh: Bool)] = []
            for job in jobs where claimed.count < limit {
                let rows = try await client.query(
                    """
                    INSERT INTO shotrunner.claims (batch, job, worker) VALUES (\(identity.batch), \(job), \(identity.worker))
                    ON CONFLICT (batch, job) DO UPDATE SET worker = excluded.worker
                    WHERE shotrunner.claims.worker = excluded.worker
                       OR NOT EXISTS (SELECT 1 FROM shotrunner.workers w WHERE w.id = shotrunner.claims.worker AND w.lease_until > now())
                    RETURNING xmax = 0
                    """,
                    logger: logger
                )
                for try await row in rows { claimed.append((job, try row.decode(Bool.self))) }
            }
            return claimed
        }
        guard let won, !won.isEmpty else { return [] }
        // Claims made afresh: nobody ever drove those jobs, so nobody wrote of them.
        if won.allSatisfy(\.fresh) { return won.map(\.job) }
        // What the jobs' earlier holders wrote before they let go is folded in: the caller decides on the job as it
        // is now (a job another worker submitted meanwhile is not submitted again). Not known: not claimed.
        guard (try? await bounded({ try await self.readOthers(includingOwn: false) })) != nil else { return [] }
        return won.map(\.job)
    }

    /// The job no longer waits on the service: its request stops counting against the account.
    public func release(job: String) async {
        let (client, logger, batch) = (client, logger, identity.batch)
        do {
            let done: Void? = try await bounded {
                try await client.query("DELETE FROM shotrunner.in_flight WHERE batch = \(batch) AND job = \(job)", logger: logger)
            }
            guard done != nil else { throw NoAnswer() }
        } catch {
            // Given back once the database answers again (else the account's count keeps it).
            outage.began()
            outage.unreleased.append(job)
        }
    }

    /// Every other worker's lines since the last look, folded in.
    public func changes() async throws(LedgerError) -> [LedgerEvent] {
        do {
            guard let events = try await bounded({ try await self.readOthers(includingOwn: false) }) else { throw NoAnswer() }
            return events + (try readDecisions())
        } catch {
            throw Self.failure(error)
        }
    }

    public nonisolated var spent: (folder: Double, latestRun: Double) {
        spend.withLock { ($0.folder + $0.reserved, $0.folder - $0.beforeLatestRun + $0.reserved) }
    }

    // MARK: - Rows

    nonisolated func insert(_ event: LedgerEvent, on connection: PostgresConnection) async throws {
        try await connection.query(
            "INSERT INTO shotrunner.events (batch, worker, line) VALUES (\(identity.batch), \(identity.worker), \(event.line))", logger: logger
        )
    }

    /// Folds the rows of the transactions that ended since the last read: those below the oldest transaction still
    /// open, and not below `foldedBelow` (this worker's own too, when joining). Read on `connection` when given
    /// (inside its transaction), else through the pool. Two reads interleaved on the actor fold each row once.
    func readOthers(includingOwn: Bool, on connection: PostgresConnection? = nil) async throws -> [LedgerEvent] {
        func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
            if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        }
        let from = foldedBelow
        var horizon: Int64 = 0
        var rows: [(xid: Int64, worker: String, line: String)] = []
        // One statement, so the horizon and the rows come from one snapshot.
        let found = try await query("""
            WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8 AS horizon)
            SELECT h.horizon, e.xid, e.worker, e.line FROM h
            LEFT JOIN shotrunner.events e ON e.batch = \(identity.batch) AND e.xid >= \(from) AND e.xid < h.horizon
            ORDER BY e.seq
            """)
        for try await row in found {
            let (top, xid, worker, line) = try row.decode((Int64, Int64?, String?, String?).self)
            horizon = top
            if let xid, let worker, let line { rows.append((xid, worker, line)) }
        }
        // No suspension from here on: another read that finished meanwhile moved `foldedBelow`, and its rows are
        // not folded twice.
        let already = foldedBelow
        guard horizon > already else { return [] }
        var events: [LedgerEvent] = []
        for row in rows where row.xid >= already {
            guard includingOwn || row.worker != identity.worker, let event = LedgerEvent(line: row.line) else { continue }
            fold.apply(event)
            events.append(event)
        }
        foldedBelow = horizon
        publishSpend()
        return events
    }

    func single<Value: PostgresDecodable>(_: Value.Type, _ query: PostgresQuery, on connection: PostgresConnection) async throws -> Value? {
        let rows = try await connection.query(query, logger: logger)
        var value: Value?
        for try await row in rows { value = try row.decode(Value.self) }
        return value
    }

    func publishSpend() {
        let fold = fold
        spend.withLock { $0.folder = fold.spent; $0.beforeLatestRun = fold.spentBeforeLatestRun }
    }

    static func failure(_ error: any Error) -> LedgerError {
        if let error = error as? LedgerError { return error }
        return .io(operation: "write", path: "the shared ledger", reason: "\(String(reflecting: error))", errno: 0)
    }
}
