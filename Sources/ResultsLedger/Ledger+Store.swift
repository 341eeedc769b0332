/// The folder ledger as the scheduler's store: one process writes the folder (its lock says so), so it claims
/// every job, keeps no bound of its own (the scheduler's `--concurrency` is the bound) and sees no other writer.
extension Ledger: LedgerStore {
    public func claim(_ jobs: [String], limit: Int) async -> [String] {
        Array(jobs.prefix(limit))
    }

    public func release(job: String) async {}

    public nonisolated func changes() -> AsyncStream<LedgerEvent> {
        AsyncStream { $0.finish() }
    }
}
