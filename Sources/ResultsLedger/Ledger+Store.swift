/// The folder ledger as the scheduler's store: one process writes the folder (its lock says so), so it claims
/// every job, keeps no bound of its own (the scheduler's `--concurrency` is the bound) and sees no other writer.
extension Ledger: LedgerStore {
    /// Every job: one process holds the folder's lock.
    public func claim(_ jobs: [String], limit: Int) async -> [String] {
        Array(jobs.prefix(limit))
    }

    /// Nothing to give back: the scheduler's `--concurrency` is the folder's only bound.
    public func release(job: String) async {}

    /// The decisions appended to `decisions.jsonl` since the last look (by the review room, `pick`, `approve`,
    /// `retake`, while this process holds the folder), folded in. The ledger itself has no other writer.
    public func changes() async throws(LedgerError) -> [LedgerEvent] {
        let read = try DecisionLog.read(folder: folder, from: decisionsRead)
        decisionsRead = read.end
        for event in read.events { fold.apply(event) }
        return read.events
    }
}
