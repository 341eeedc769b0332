/// The folder ledger as the scheduler's store: one process writes the folder (its lock says so), so it claims
/// every job, keeps no bound of its own (the scheduler's `--concurrency` is the bound) and sees no other writer.
extension Ledger: LedgerStore {
    /// Every job: one process holds the folder's lock.
    public func claim(_ jobs: [String], limit: Int) async -> [String] {
        Array(jobs.prefix(limit))
    }

    /// Nothing to give back: the scheduler's `--concurrency` is the folder's only bound.
    public func release(job: String) async {}

    /// No other writer: the stream ends at once.
    public nonisolated func changes() -> AsyncStream<LedgerEvent> {
        AsyncStream { $0.finish() }
    }
}
