/// The spend cap's decision for one submit, as pure code: `--max-cost` covers the folder's whole spend (every
/// job ever submitted from it counts at its estimate until its recorded cost replaces it), and what the jobs still
/// waiting on others will need is kept aside for them.
public struct SpendGate: Sendable, Equatable {
    /// `--max-cost`, if given.
    public let cap: Double?
    /// The estimates of the dependents still waiting (kept aside from the cap).
    public let reservedForWaiting: Double
    public let waitingCount: Int

    /// A gate: the cap, and what the jobs waiting on others need kept aside.
    public init(cap: Double?, reservedForWaiting: Double = 0, waitingCount: Int = 0) {
        self.cap = cap
        self.reservedForWaiting = reservedForWaiting
        self.waitingCount = waitingCount
    }

    /// What the gate says before an intent is written.
    public enum Decision: Sendable, Equatable {
        case admit
        /// The cap would be passed: no new submits.
        case capReached(reason: String)
        /// Passing it would leave too little for the jobs waiting on others: this one waits for the next run.
        case keptForWaiting(reason: String)
    }

    /// Before the intent: would this estimate pass the cap, or eat what the waiting jobs need?
    public func before(spent: Double, estimate: Double) -> Decision {
        guard let cap else { return .admit }
        if spent + estimate > cap + 1e-9 { return .capReached(reason: reachedReason) }
        if reservedForWaiting > 0, spent + estimate + reservedForWaiting > cap + 1e-9 {
            return .keptForWaiting(reason: "--max-cost \(cap): the rest is kept for \(waitingCount) jobs waiting on others")
        }
        return .admit
    }

    /// After the intent is durable: did recorded costs above their estimates pass the cap meanwhile?
    public func passedAfterIntent(spent: Double) -> Bool {
        cap.map { spent > $0 + 1e-9 } ?? false
    }

    /// Why submits stop at the cap.
    public var reachedReason: String { "--max-cost \(cap ?? 0) reached" }
}
