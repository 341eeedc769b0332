public import Logging
public import PostgresNIO

/// The shared ledger's tables, in their own PostgreSQL schema (`shotrunner`, beside whatever else the database
/// holds), made and upgraded by versioned migrations (`shotrunner db migrate`, and every worker
/// on first use). Each migration runs in one transaction that first takes an advisory lock, then looks at the
/// version again: any number of workers may migrate at once, and each change is made once.
///
/// - `shotrunner.versions`: the migrations applied.
/// - `shotrunner.batches`: one row a batch: its account (a hash of base URL and token, never the token) and its
///   spend as the ledger defines it (every submit that may have started, at its estimate until the API's cost
///   replaces it), kept by the transactions that write the lines that change it.
/// - `shotrunner.events`: every ledger line of every batch, in today's JSON line format, in commit order (`seq`).
/// - `shotrunner.workers`: each worker's batch, host and lease (the database's clock decides).
/// - `shotrunner.in_flight`: the requests an account has at the service (an admitted intent until its slot is
///   given back): the account-wide cap counts these.
/// - `shotrunner.accounts`: a throttled account's pause, which every worker of it obeys.
/// - `shotrunner.claims`: which worker takes care of which job.
/// Version 2: each worker's account, account cap and when it left; the worker writing a batch's opening lines; each line's
/// writing transaction (what readers go by). Version 3: each job's attempts, checked by every admission.
public enum SharedLedgerSchema {
    /// The migrations, in order; a released one never changes (a new version is added instead).
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE shotrunner.batches (
                name text PRIMARY KEY, account text NOT NULL, spent double precision NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE shotrunner.events (
                seq bigserial PRIMARY KEY, batch text NOT NULL REFERENCES shotrunner.batches(name), worker text NOT NULL,
                line text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE INDEX events_batch ON shotrunner.events (batch, seq)",
            """
            CREATE TABLE shotrunner.workers (
                id text PRIMARY KEY, batch text NOT NULL, host text NOT NULL, pid integer NOT NULL,
                lease_until timestamptz NOT NULL, started_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE shotrunner.in_flight (
                batch text NOT NULL, job text NOT NULL, account text NOT NULL, worker text NOT NULL,
                since timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (batch, job))
            """,
            "CREATE INDEX in_flight_account ON shotrunner.in_flight (account)",
            "CREATE TABLE shotrunner.accounts (account text PRIMARY KEY, paused_until timestamptz)",
            "CREATE TABLE shotrunner.claims (batch text NOT NULL, job text NOT NULL, worker text NOT NULL, PRIMARY KEY (batch, job))",
        ],
        [
            // Each worker's account and `--account-concurrency` (the smallest a live worker gives wins), and the
            // worker that is writing a batch's opening lines (the others wait for them, then compare).
            "ALTER TABLE shotrunner.workers ADD COLUMN account text, ADD COLUMN account_cap integer, ADD COLUMN left_at timestamptz",
            "CREATE INDEX workers_account ON shotrunner.workers (account)",
            "ALTER TABLE shotrunner.batches ADD COLUMN opening text",
            // The writing transaction's id: readers take the rows of transactions older than every one still open
            // (a row's `seq` is given at insert, not at commit, so a reader going by `seq` alone could pass over a
            // row committed late).
            "ALTER TABLE shotrunner.events ADD COLUMN xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint",
            "CREATE INDEX events_batch_xid ON shotrunner.events (batch, xid)",
        ],
        [
            // Each job's (and key's) attempts as admissions numbered them: an admission of an attempt already made
            // writes nothing, whatever the worker's fold says (a worker that read the batch late cannot submit twice).
            "CREATE TABLE shotrunner.attempts (batch text NOT NULL, job text NOT NULL, key text NOT NULL, attempts integer NOT NULL, PRIMARY KEY (batch, job, key))",
        ],
    ]

    /// The version this build knows.
    public static var current: Int { migrations.count }

    /// The advisory lock every migration takes (a constant of this program's own).
    static let migrationLock: Int64 = 0x5348_4F54_0001

    /// Brings the database to `current`; returns the version it was at before.
    @discardableResult
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> Int {
        var before: Int?
        for (index, statements) in migrations.enumerated() {
            let version = index + 1
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                // Under the lock: two workers making the table at once would collide in PostgreSQL's catalogue.
                try await connection.query("CREATE SCHEMA IF NOT EXISTS shotrunner", logger: logger)
                try await connection.query("CREATE TABLE IF NOT EXISTS shotrunner.versions (version integer PRIMARY KEY)", logger: logger)
                let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM shotrunner.versions", logger: logger)
                var found = 0
                for try await row in rows { found = try row.decode(Int.self) }
                if before == nil { before = found }
                guard found < version else { return }
                for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO shotrunner.versions (version) VALUES (\(version))", logger: logger)
            }
        }
        return before ?? 0
    }
}
