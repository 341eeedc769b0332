/// The folder ledger as the scheduler's store: one process writes the folder (its lock says so), so it claims
/// every job, keeps no bound of its own (the scheduler's `--concurrency` is the bound) and sees no other writer.
extension Ledger: LedgerStore {
    public func admit(_ intent: LedgerEvent, estimate: Double, gate: SpendGate) async -> Admission {
        // Checked and reserved with no suspension between: on the actor, nothing else is admitted meanwhile.
        let decision = gate.before(spent: spent.folder, estimate: estimate)
        guard decision == .admit else { return .refused(decision) }
        reserve(estimate)
        do {
            try await append([intent], releasing: estimate)
            return .admitted
        } catch {
            return .stop(error)
        }
    }

    public func claim(_ jobs: [String], limit: Int) async -> [String] {
        Array(jobs.prefix(limit))
    }

    public func release(job: String) async {}

    public nonisolated func changes() -> AsyncStream<LedgerEvent> {
        AsyncStream { $0.finish() }
    }
}
