/// What the scheduler needs from a ledger, the design's "Engine seam": lines appended durably, the live fold,
/// claims on jobs, one atomic admission per submit, slots given back, and the lines other writers append. The folder
/// ledger (`Ledger`) is one implementation; an in-memory one serves the scheduler's tests; a database shared by
/// several processes can be another without the scheduler changing.
public protocol LedgerStore: Actor {
    /// The fold of every durable line (for a shared store, every writer's).
    var fold: LedgerFold { get }

    /// Appends lines through group commit and returns once they are durable; `reservation` (of an admitted
    /// intent) is released from the spend once they are, or when the append throws.
    func append(_ events: [LedgerEvent], releasing reservation: Double) async throws(LedgerError)

    /// Admits one submit in one atomic step: the spend cap checked (`gate`, over the whole spend, durable and
    /// reserved), the estimate reserved, and the `submit_intent` made durable. Nothing else may be admitted
    /// between the check and the reservation. (The default below is atomic within one process only: a store shared
    /// by several must decide inside its own transaction.)
    func admit(_ intent: LedgerEvent, estimate: Double, gate: SpendGate) async -> Admission

    /// Counts `amount` in the spend from now until the lines appended with it are durable (`append`'s
    /// `releasing`).
    nonisolated func reserve(_ amount: Double)

    /// Claims up to `limit` of `jobs` for this process, in their order (with a folder, all of them: one process
    /// holds its lock).
    func claim(_ jobs: [String], limit: Int) async -> [String]

    /// Gives back a job's slot: it no longer waits on the service (ended, unknown, or left for the next run).
    func release(job: String) async

    /// The lines other writers appended since the last call (with a folder: the decisions reviewers took), already
    /// folded into `fold`. Empty when there are none.
    func changes() async throws(LedgerError) -> [LedgerEvent]

    /// The spend: the durable lines' (`LedgerFold.spent`) plus what admitted intents reserve; the part of it since
    /// the latest `run_started`. Readable without waiting.
    nonisolated var spent: (folder: Double, latestRun: Double) { get }

    /// Whether other processes write this store too (then a job is driven only once claimed, as it is then).
    nonisolated var isShared: Bool { get }

    /// A throttled answer: every writer of the account waits `seconds` before its next submit (one process's own
    /// pause is the scheduler's).
    func throttled(for seconds: Double) async
}

extension LedgerStore {
    /// One process writes the store.
    public nonisolated var isShared: Bool { false }

    /// No other writer to tell.
    public func throttled(for seconds: Double) async {}
}

extension LedgerStore {
    /// One process's admission: checked and reserved with no suspension between (on the store's actor nothing
    /// else is admitted meanwhile), then the intent appended.
    public func admit(_ intent: LedgerEvent, estimate: Double, gate: SpendGate) async -> Admission {
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
}

/// What an admission answers.
public enum Admission: Sendable, Equatable {
    /// The intent is durable: the POST may go.
    case admitted
    /// Not now (a bound the store keeps is full, or the account is throttled): ask again then.
    case wait(seconds: Double)
    /// The spend cap says no (`capReached`: no new submits; `keptForWaiting`: this one waits for the next run).
    case refused(SpendGate.Decision)
    /// The store cannot record (it failed, or this process lost its claim): stop submitting.
    case stop(LedgerError)
}
