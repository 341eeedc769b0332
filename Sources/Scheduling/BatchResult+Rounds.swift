/// A worker of a shared batch renders in rounds (each a scheduler over what is left): their results, as one.
extension BatchResult {
    /// A later round's result added to the worker's whole.
    public mutating func absorb(_ round: BatchResult) {
        for (label, outcome) in round.outcomeList { record(label, outcome) }
        costCapReached = costCapReached || round.costCapReached
        fatal = fatal ?? round.fatal
        interrupted = interrupted || round.interrupted
        halted = halted ?? round.halted
        ledgerFailure = ledgerFailure ?? round.ledgerFailure
        localFailure = localFailure ?? round.localFailure
        requestIDs += round.requestIDs
        unrecordedRequestIDs += round.unrecordedRequestIDs
        unrecordedWithdrawals += round.unrecordedWithdrawals
        blocked += round.blocked
    }

    /// The round ended in a way that ends the worker (a stop, a cap, a halt, the ledger).
    public var stopsTheWorker: Bool {
        costCapReached || fatal != nil || interrupted || halted != nil || ledgerFailure != nil || localFailure != nil
    }

    /// Every job of the round was left because another worker drives it.
    public var onlyHeldElsewhere: Bool {
        outcomes.values.allSatisfy { outcome in
            if case .leftPending(let reason) = outcome { reason == JobLifecycle.Outcome.heldElsewhere } else { false }
        }
    }
}

extension JobLifecycle.Outcome {
    /// Why a job of a shared store was left: another worker holds its claim.
    public static let heldElsewhere = "another worker has it"
}
