import ResultsLedger

/// Approval gates in a batch: a source with `approve: true` holds its dependents back until it is approved under its
/// current key. Without `--wait-approval` they wait for the next run; with it, the batch watches the store's changes
/// (the reviewers' decisions) and brings them in as approvals arrive.
extension BatchScheduler {
    /// The gating sources that completed before this run and are not approved: their dependents are held from the
    /// start. (`running`: the jobs this run renders, whose own ends decide.)
    func holdForApproval(running: Set<String>) async {
        guard let graph, !graph.work.gates.isEmpty else { return }
        let fold = await ledger.fold
        for source in graph.work.gates where !running.contains(source) && graph.dependents[source]?.isEmpty == false {
            guard let key = graph.keys[source], fold.record(source, key: key).state == .completed, !fold.isApproved(source, key: key) else { continue }
            self.graph?.approvalHolds.insert(source)
            // Held: nothing kept aside under --max-cost for what waits on it (as when it completes unapproved).
            self.graph?.release(after: source)
            for dependent in graph.dependents[source] ?? [] { emit(dependent, .awaitingApproval, "waits for an approval of \(source)") }
        }
    }

    /// Looks for approvals every half second (on the scheduler's clock) while a source holds dependents back and
    /// submits go on; returns once an approval brought dependents in, or when there is nothing left to wait for.
    func watchApprovals() async {
        while !state.submitsStopped, graph?.approvalHolds.isEmpty == false {
            let changes = (try? await ledger.changes()) ?? []
            var broughtIn = false
            for event in changes where event.kind == .approved && graph?.approvalHolds.contains(event.job) == true {
                if await release(approved: event.job) { broughtIn = true }
            }
            if broughtIn { return }
            try? await clock.sleep(for: .milliseconds(500))
        }
    }

    /// A held source approved: if the approval is of its current key, its dependents go on as after its completion.
    private func release(approved source: String) async -> Bool {
        guard let key = graph?.keys[source], await ledger.fold.isApproved(source, key: key) else { return false }
        graph?.approvalHolds.remove(source)
        await settle(source, .completed)
        return true
    }
}
