public import Logging
import PostgresNIO
public import ResultsLedger

/// A batch of the shared ledger as a reader sees it (`status --ledger`): every worker's lines folded, and the
/// workers with their hosts and leases.
public struct SharedBatch: Sendable {
    /// A worker of the batch.
    public struct Worker: Sendable, Equatable {
        public var id: String
        public var host: String
        public var pid: Int
        /// When its lease ends (UTC, ISO 8601), by the database's clock.
        public var leaseUntil: String
        /// Whether the lease still runs.
        public var alive: Bool
        /// Whether it left the batch (its work done, or stopped); otherwise a lapsed lease means it died.
        public var left: Bool
    }

    public var fold: LedgerFold
    public var workers: [Worker]

    /// Reads a batch; nil when the database did not answer within `timeout`. A batch with no line is an empty fold.
    public static func read(_ url: LedgerURL, batch: String, timeout: Duration, logger: Logger) async throws -> SharedBatch? {
        try await url.withClient(timeout: timeout, logger: logger) { client in
            var fold = LedgerFold()
            let rows = try await client.query("SELECT line FROM shotrunner.events WHERE batch = \(batch) ORDER BY seq", logger: logger)
            for try await row in rows {
                if let event = LedgerEvent(line: try row.decode(String.self)) { fold.apply(event) }
            }
            var workers: [Worker] = []
            let listed = try await client.query(
                """
                SELECT id, host, pid, to_char(lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), lease_until > now(), left_at IS NOT NULL
                FROM shotrunner.workers WHERE batch = \(batch) ORDER BY started_at
                """,
                logger: logger
            )
            for try await row in listed {
                let (id, host, pid, lease, alive, left) = try row.decode((String, String, Int32, String, Bool, Bool).self)
                workers.append(Worker(id: id, host: host, pid: Int(pid), leaseUntil: lease, alive: alive, left: left))
            }
            return SharedBatch(fold: fold, workers: workers)
        }
    }
}
