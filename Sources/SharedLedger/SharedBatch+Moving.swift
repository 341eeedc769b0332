public import Logging
import PostgresNIO
import ResultsLedger

/// Moving a batch between the shared ledger and a run folder (`shotrunner ledger export` and `ledger import`).
extension SharedBatch {
    /// The batch's lines, in today's format, in the order they were written; nil when the database did not answer
    /// within `timeout`. `live` counts its workers whose lease still runs (an export while one renders is a moving
    /// picture).
    public static func lines(_ url: LedgerURL, batch: String, timeout: Duration, logger: Logger) async throws -> (lines: [String], live: Int)? {
        try await url.withClient(timeout: timeout, logger: logger) { client in
            var lines: [String] = []
            for try await row in try await client.query("SELECT line FROM shotrunner.events WHERE batch = \(batch) ORDER BY seq", logger: logger) {
                lines.append(try row.decode(String.self))
            }
            var live = 0
            let rows = try await client.query(
                "SELECT count(*)::int8 FROM shotrunner.workers WHERE batch = \(batch) AND lease_until > now()", logger: logger
            )
            for try await row in rows { live = try row.decode(Int.self) }
            return (lines, live)
        }
    }

    /// What an import found.
    public enum Imported: Sendable, Equatable {
        case imported(lines: Int)
        /// The batch already has lines (another import, or workers rendered it): nothing was written.
        case batchNotEmpty
    }

    /// Writes a folder's lines as a new batch, in one transaction (the schema made first when missing); the batch's
    /// spend is the fold's. Its account is set by the first worker that opens it.
    public static func importLines(
        _ lines: [String], spent: Double, into url: LedgerURL, batch: String, timeout: Duration, logger: Logger
    ) async throws -> Imported? {
        try await url.withClient(timeout: timeout, logger: logger) { client in
            try await SharedLedgerSchema.migrate(client, logger: logger)
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(batch), 1))", logger: logger)
                var existing = 0
                for try await row in try await connection.query("SELECT count(*)::int8 FROM shotrunner.events WHERE batch = \(batch)", logger: logger) {
                    existing = try row.decode(Int.self)
                }
                guard existing == 0 else { return .batchNotEmpty }
                try await connection.query(
                    "INSERT INTO shotrunner.batches (name, account, spent) VALUES (\(batch), '', \(spent)) ON CONFLICT (name) DO UPDATE SET spent = excluded.spent",
                    logger: logger
                )
                for line in lines {
                    try await connection.query("INSERT INTO shotrunner.events (batch, worker, line) VALUES (\(batch), 'import', \(line))", logger: logger)
                }
                return .imported(lines: lines.count)
            }
        }
    }
}
