import Foundation
import HeapModule
import JobManifest
import JSON
public import ModelAPI
public import ResultsLedger
import Synchronization

/// Runs a batch: at most `concurrency` jobs at once, topped up the moment one finishes; each job driven by its
/// `JobLifecycle`, every step written to the ledger (and durable) before it is acted on. Shared concerns live
/// here: the submit pause after a 429, the spend cap, a fatal stop, and interruption.
public actor BatchScheduler<C: Clock> where C.Duration == Duration {
    let client: any ModelAPIClient
    /// Where every line goes and the spend is decided: the folder's ledger, or any other `LedgerStore`.
    let ledger: any LedgerStore
    let folder: String
    private let modelID: String
    let options: BatchOptions
    let clock: C
    let now: @Sendable () -> String
    let events: AsyncStream<SchedulerEvent>.Continuation?

    var random: SplitMix
    var schedule: PollSchedule
    /// Where the batch is: submitting (perhaps paused by a 429), submits stopped, or everything stopping. Every
    /// step that awaited looks at it again before acting.
    var state = BatchState<C.Instant>.running(pausedUntil: nil)
    /// When calls began failing to connect (nil while the API answers).
    private var unreachableSince: C.Instant?
    /// Jobs of this run that ended, and those that ended `failed` (`--halt`).
    private var finishedThisRun = 0
    private var failedThisRun = 0
    var stopWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextWaiter = 0
    /// Tokens of sleepers waiting to submit: they wake when submits stop.
    var submitWaiters: Set<Int> = []
    /// Poll sleeps guessed before any render time was known (woken when the first is learnt).
    var learningWaiters: Set<Int> = []
    var result = BatchResult()
    /// Runs waiting for a slot, the longest chain first (`ReadyKey`), and the jobs waiting on others.
    var ready = Heap<ReadyKey>()
    /// Every run enqueued, by its place in the queue's sequence (each let go once started): an array, not a table
    /// keyed by that number, which at 100,000 runs took 34 MB where this takes 12.
    var readyRuns: [PlannedRun?] = []
    var graph: GraphState?
    /// Frame extractions under way, by the frame's path: a second job wanting the same frame waits for the first.
    var frameTasks: [String: Task<Void, any Error>] = [:]
    var extractions = 0
    /// Ids that arrived and are not yet on disk (for an abrupt exit to print).
    public nonisolated let arrived = ArrivedRequests()
    /// Set at once by a signal handler (before the actor hears of it): an intent that becomes durable after it
    /// is withdrawn, however the hop to `interrupt()` is scheduled.
    nonisolated let interruptRequested = Atomic(false)

    /// Creates a scheduler over a client, a ledger (already open), and a clock.
    public init(
        client: any ModelAPIClient,
        ledger: any LedgerStore,
        folder: String,
        modelID: String,
        options: BatchOptions,
        clock: C,
        now: @escaping @Sendable () -> String,
        events: AsyncStream<SchedulerEvent>.Continuation? = nil
    ) {
        self.client = client
        self.ledger = ledger
        self.folder = folder
        self.modelID = modelID
        self.options = options
        self.clock = clock
        self.now = now
        self.events = events
        self.random = SplitMix(seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
        self.schedule = PollSchedule(minimum: options.pollMinimum, maximum: options.pollMaximum)
    }

    /// Runs every planned job and returns how the batch ended. With `dependents`, jobs waiting on others join as
    /// their sources complete (and are blocked when one fails); the bound holds over everything.
    public func run(_ runs: [PlannedRun], dependents: DependentWork? = nil) async -> BatchResult {
        let running = Set(runs.filter { $0.body != nil }.map(\.id))
        graph = dependents.map { GraphState($0, running: running) }
        // Sized once: grown an append at a time, the queue passed through twice its size.
        readyRuns.reserveCapacity(runs.count + (dependents?.waiting.count ?? 0))
        for run in runs {
            if run.body == nil { graph?.collecting.insert(run.id + "\n" + run.key) }
            enqueue(run)
        }
        await holdForApproval(running: running)
        await withTaskGroup(of: (label: String, run: PlannedRun, outcome: JobLifecycle.Outcome)?.self) { group in
            var running = 0
            var watching = false
            func startNext() -> Bool {
                guard !state.everythingStopped, let next = nextReady() else { return false }
                let label = next.body == nil ? next.id + " (superseded)" : next.id
                group.addTask { (label, next, await self.drive(next)) }
                return true
            }
            // `--wait-approval`: one watcher while a source holds dependents back; it returns when an approval
            // brought some in (they are started here), or when nothing is held any more.
            func watchIfHeld() {
                guard options.waitForApproval, !watching, !state.submitsStopped, graph?.approvalHolds.isEmpty == false else { return }
                watching = true
                group.addTask { await self.watchApprovals(); return nil }
            }
            while running < max(1, options.concurrency), startNext() { running += 1 }
            watchIfHeld()
            while let finished = await group.next() {
                if let (label, run, outcome) = finished {
                    running -= 1
                    result.record(label, outcome)
                    // A job's end, for what waits on it: its own run, or the collection of a render under the key it
                    // was later resolved to.
                    if run.body != nil || graph?.keys[run.id] == run.key { await settle(run.id, outcome) }
                } else {
                    watching = false
                }
                while running < max(1, options.concurrency), startNext() { running += 1 }
                watchIfHeld()
            }
        }
        return result
    }

    /// `--halt`: counts a job's end in this run and stops new submits once the rule trips.
    private func countForHalt(_ outcome: JobLifecycle.Outcome) {
        switch outcome {
        case .failed: failedThisRun += 1; finishedThisRun += 1
        case .completed, .rendered, .expired, .cancelled, .unknownOutcome, .downloadFailed: finishedThisRun += 1
        case .leftPending, .leftRunning, .stopBatch, .stopRun: return
        }
        guard result.halted == nil, let rule = options.halt, rule.trips(failed: failedThisRun, finished: finishedThisRun) else { return }
        let reason = "\(rule): \(failedThisRun) of the \(finishedThisRun) jobs this run finished failed"
        result.halted = reason
        stopSubmits(reason: reason)
    }

    /// Called from a signal handler: withdraws from this instant every intent not yet sent, then interrupts.
    public nonisolated func requestInterrupt() {
        interruptRequested.store(true, ordering: .sequentiallyConsistent)
        Task { await self.interrupt() }
    }

    /// The first SIGINT or SIGTERM: no new submits, no more polls; submits on the wire finish and are recorded.
    public func interrupt() {
        result.interrupted = true
        stopEverything(reason: "interrupted")
    }

    // MARK: - One job (driven in BatchScheduler+Drive.swift)

    /// Writes the terminal line an outcome needs (the lifecycle says which) and reports it.
    func finish(_ run: PlannedRun, _ outcome: JobLifecycle.Outcome) async {
        // Counted before the line's await: a job whose intent becomes durable meanwhile sees the halt.
        countForHalt(outcome)
        if let line = JobLifecycle.terminalLine(for: outcome, line(run)) { _ = await record(line) }
        // The job no longer waits on the service (ended, unknown, left for the next run): its slot goes back to a
        // store that keeps a bound of its own (the account's, shared by several workers).
        if run.body != nil { await ledger.release(job: run.id) }
        switch outcome {
        case .completed, .leftRunning:
            break
        case .rendered:
            emit(run.id, .rendered, nil)
        case .failed(_, let message):
            emit(run.id, .failed, message)
        case .expired(let message):
            emit(run.id, .expired, message)
        case .cancelled:
            emit(run.id, .cancelled, nil)
        case .unknownOutcome(_, let message):
            emit(run.id, .unknownOutcome, message)
        case .downloadFailed(let code, let message):
            emit(run.id, .downloadFailed, "\(code): \(message)")
        case .leftPending(let reason):
            emit(run.id, .pending, reason)
        case .stopBatch(let error):
            if result.fatal == nil { result.fatal = error }
            stopSubmits(reason: "\(error.code): \(error.message)")
            emit(run.id, .pending, error.message)
        case .stopRun(let error):
            if result.fatal == nil { result.fatal = error }
            stopEverything(reason: "\(error.code): \(error.message)")
        }
    }

    /// The context a job's lines are written in (its id, key, and the time now).
    func line(_ run: PlannedRun) -> JobLifecycle.LineContext {
        JobLifecycle.LineContext(job: run.id, key: run.key, time: now())
    }

    /// Appends a job's line; on a ledger failure, stops everything (nothing may be acted on unrecorded).
    func record(_ event: LedgerEvent, releasing reservation: Double = 0) async -> Bool {
        do {
            try await ledger.append([event], releasing: reservation)
            return true
        } catch {
            if result.ledgerFailure == nil { result.ledgerFailure = error }
            stopEverything(reason: "the ledger cannot be written: \(error)")
            return false
        }
    }

    /// The folder's spend as the one definition gives it (`LedgerFold.spent` over the durable lines), plus the
    /// estimates of intents still being written: what `--max-cost` compares and the live line shows.
    var spent: Double { ledger.spent.folder }

    func emitSpent() {
        let spend = ledger.spent
        events?.yield(.spent(folder: spend.folder, thisRun: spend.latestRun))
    }

    /// A call that could not connect: the API is unreachable (said once, until a call gets through).
    func noteConnectivity(_ error: APIError) {
        guard error.kind == .notSent, unreachableSince == nil else { return }
        unreachableSince = clock.now
        events?.yield(.connectivity(reachable: false, detail: error.message))
    }

    func reachable() {
        guard unreachableSince != nil else { return }
        unreachableSince = nil
        events?.yield(.connectivity(reachable: true, detail: nil))
    }

    func emit(_ job: String, _ state: JobState, _ detail: String?) {
        events?.yield(.state(job: job, state: state, detail: detail))
    }

    /// The body as sent: local images as data URIs of their bytes, checked against the digest the key was made
    /// from (an image edited since the manifest was read would render something other than its key says).
    static func wireBody(_ body: RequestBody) throws -> [UInt8] {
        try body.wireJSON { image, out in
            guard let bytes = image.unchangedBytes() else { throw ImageChanged(path: image.path) }
            out.append(contentsOf: "data:\(image.mediaType);base64,".utf8)
            out.append(contentsOf: Data(bytes).base64EncodedData())
        }
    }

    struct ImageChanged: Error, CustomStringConvertible {
        let path: String
        var description: String { "the image \(path) changed after the manifest was read; run again" }
    }
}

/// SplitMix64, for jitter that tests can seed.
struct SplitMix: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
