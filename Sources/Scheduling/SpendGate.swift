/// The spend cap's decision for one submit, as pure code: `--max-cost` covers the folder's whole spend (every
/// job ever submitted from it counts at its estimate until its recorded cost replaces it), and what the jobs still
/// waiting on others will need is kept aside for them.
struct SpendGate: Sendable {
    /// `--max-cost`, if given.
    let cap: Double?
    /// The estimates of the dependents still waiting (kept aside from the cap).
    let reservedForWaiting: Double
    let waitingCount: Int

    /// What the gate says before an intent is written.
    enum Decision: Equatable {
        case admit
        /// The cap would be passed: no new submits.
        case capReached(reason: String)
        /// Passing it would leave too little for the jobs waiting on others: this one waits for the next run.
        case keptForWaiting(reason: String)
    }

    /// Before the intent: would this estimate pass the cap, or eat what the waiting jobs need?
    func before(spent: Double, estimate: Double) -> Decision {
        guard let cap else { return .admit }
        if spent + estimate > cap + 1e-9 { return .capReached(reason: reachedReason) }
        if reservedForWaiting > 0, spent + estimate + reservedForWaiting > cap + 1e-9 {
            return .keptForWaiting(reason: "--max-cost \(cap): the rest is kept for \(waitingCount) jobs waiting on others")
        }
        return .admit
    }

    /// After the intent is durable: did recorded costs above their estimates pass the cap meanwhile?
    func passedAfterIntent(spent: Double) -> Bool {
        cap.map { spent > $0 + 1e-9 } ?? false
    }

    /// Why submits stop at the cap.
    var reachedReason: String { "--max-cost \(cap ?? 0) reached" }
}

/// The names a job's outputs are downloaded under: one output is `<base>.<ext>`, several `<base>-1.<ext>`,
/// `<base>-2.<ext>` (`<base>.output-N` where `<base>-N` is another job's id); the extension comes from the bytes.
struct OutputNames: Sendable {
    let base: String
    /// How many outputs the render has (at least 1).
    let count: Int
    /// Every job id of the batch, lowercased.
    let jobIDs: Set<String>

    init(base: String, count: Int, jobIDs: Set<String>) {
        self.base = base
        self.count = max(1, count)
        self.jobIDs = jobIDs
    }

    /// The name of output `index` (0-based): its base without the extension, its number (1-based), the count.
    func name(of index: Int) -> (base: String, number: Int, count: Int) {
        guard count > 1 else { return (base, index + 1, count) }
        let numbered = base + "-\(index + 1)"
        return (jobIDs.contains(numbered.lowercased()) ? base + ".output-\(index + 1)" : numbered, index + 1, count)
    }
}
