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
    private let client: any ModelAPIClient
    let ledger: Ledger
    let folder: String
    private let modelID: String
    private let options: BatchOptions
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
    private nonisolated let interruptRequested = Atomic(false)

    /// Creates a scheduler over a client, a ledger (already open), and a clock.
    public init(
        client: any ModelAPIClient,
        ledger: Ledger,
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
        await withTaskGroup(of: (label: String, run: PlannedRun, outcome: JobLifecycle.Outcome).self) { group in
            var running = 0
            func startNext() -> Bool {
                guard !state.everythingStopped, let next = nextReady() else { return false }
                let label = next.body == nil ? next.id + " (superseded)" : next.id
                group.addTask { (label, next, await self.drive(next)) }
                return true
            }
            while running < max(1, options.concurrency), startNext() { running += 1 }
            while let (label, run, outcome) = await group.next() {
                running -= 1
                result.record(label, outcome)
                // A job's end, for what waits on it: its own run, or the collection of a render under the key it
                // was later resolved to.
                if run.body != nil || graph?.keys[run.id] == run.key { await settle(run.id, outcome) }
                while running < max(1, options.concurrency), startNext() { running += 1 }
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

    // MARK: - One job

    private func drive(_ run: PlannedRun) async -> JobLifecycle.Outcome {
        var machine = JobLifecycle(start: run.start, policy: options.policy, downloads: options.downloads)
        var requestID = run.requestID
        var lastStatus: String?
        // Every file this job wrote in this run, for the line that says it completed (not only its last).
        var written: [String] = []
        var submittedAt: C.Instant?
        var lastPendingAt: Duration?
        let startedAt = clock.now
        var action = machine.handle(.began, schedule: schedule, using: &random)
        while true {
            switch action {
            case .submit(let attempt, let wait):
                guard var body = run.body else { return .leftPending(reason: "no body") }
                guard await sleep(wait, beforeSubmit: true), await submitWindow() else { return .leftPending(reason: "submits stopped") }
                // A dependent's inputs, from its sources' files (a frame extracted): nothing is on record as sent yet.
                if !body.allReferences.isEmpty {
                    do {
                        body = try await buildInputs(run, body)
                    } catch {
                        // Nothing was sent: on record as blocked (with why), and tried again by the next run.
                        await inputsUnavailable(run, reason: "\(error)")
                        return .leftPending(reason: "\(error)")
                    }
                }
                // The body before the intent: an image edited since the manifest was read is caught while nothing
                // is on record as possibly sent (it counts nothing and costs nothing).
                let bytes: [UInt8]
                do {
                    bytes = try Self.wireBody(body)
                } catch {
                    _ = await record(.failed(job: run.id, key: run.key, code: "image_changed", message: "\(error)", time: now()))
                    emit(run.id, .failed, "\(error)")
                    return .failed(code: "image_changed", message: "\(error)")
                }
                let estimate = PriceList.rounded(run.estimatedCost)
                if let cap = options.maxCost, spent + estimate > cap + 1e-9 {
                    result.costCapReached = true
                    stopSubmits(reason: "--max-cost \(cap) reached", hard: false)
                    return .leftPending(reason: "--max-cost reached")
                }
                // What jobs waiting on others will need is kept aside: this one waits for the next run instead.
                if let cap = options.maxCost, let reserved = graph?.reserved, reserved > 0, spent + estimate + reserved > cap + 1e-9 {
                    result.costCapReached = true
                    let reason = "--max-cost \(cap): the rest is kept for \(graph?.waiting.count ?? 0) jobs waiting on others"
                    emit(run.id, .pending, reason)
                    return .leftPending(reason: reason)
                }
                // Counted from this moment (before the intent is written) until the ledger's own fold holds it.
                ledger.reserve(estimate)
                guard await record(.submitIntent(job: run.id, key: run.key, attempt: attempt, estimate: estimate, time: now()), releasing: estimate) else {
                    // The intent may be on disk though nothing was sent: say so, or the next run calls it unknown.
                    result.unrecordedWithdrawals.append(run.id)
                    return .leftPending(reason: "ledger")
                }
                // A stop that came while the intent waited for its fsync (a signal, a fatal answer, a full disk, the
                // cap): the POST has not started, so it must not. The intent is withdrawn on record.
                let overCap = options.maxCost.map { spent > $0 + 1e-9 } ?? false
                if overCap {
                    // Recorded costs above their estimates arrived meanwhile and passed the cap.
                    result.costCapReached = true
                    stopSubmits(reason: "--max-cost \(options.maxCost ?? 0) reached", hard: false)
                }
                if state.hardStopped || overCap || interruptRequested.load(ordering: .sequentiallyConsistent) {
                    let reason = state.stopReason ?? "submits stopped"
                    if !(await record(.notSent(job: run.id, key: run.key, attempt: attempt, reason: reason, time: now()))) {
                        result.unrecordedWithdrawals.append(run.id)
                    }
                    emitSpent()
                    emit(run.id, .pending, reason)
                    return .leftPending(reason: reason)
                }
                emitSpent()
                emit(run.id, .submitting, nil)
                do {
                    let submission = try await client.submit(modelID: body.schema.modelID, body: bytes)
                    arrived.add(job: run.id, requestID: submission.requestID)
                    result.requestIDs.append((run.id, submission.requestID))
                    requestID = submission.requestID
                    submittedAt = clock.now
                    reachable()
                    guard await record(.submitted(job: run.id, key: run.key, requestID: submission.requestID, time: now())) else {
                        // Paid for, and the ledger cannot say so: the id must not be lost.
                        result.unrecordedRequestIDs.append((run.id, submission.requestID))
                        return .leftRunning
                    }
                    arrived.remove(job: run.id)
                    emit(run.id, .queued, submission.requestID)
                    action = machine.handle(.submitted(requestID: submission.requestID), schedule: schedule, elapsed: .zero, using: &random)
                } catch {
                    noteConnectivity(error)
                    if error.kind == .throttled { pauseSubmits(for: error.retryAfter ?? .seconds(5)) }
                    // The fold decides from the class what the submit may cost (nothing, if it certainly did not start).
                    guard await record(JobLifecycle.submitErrorLine(error, line(run))) else {
                        if !error.submitMayHaveStarted { result.unrecordedWithdrawals.append(run.id) }
                        return .leftPending(reason: "ledger")
                    }
                    emitSpent()
                    action = machine.handle(.submitFailed(error), schedule: schedule, using: &random)
                }

            case .poll(let wait):
                guard let id = requestID else { return .leftPending(reason: "no request id") }
                guard await pollSleep(wait, submittedAt: submittedAt), !state.everythingStopped else { return .leftRunning }
                if clock.now > startedAt.advanced(by: options.jobTimeout) {
                    action = machine.handle(.timedOut, schedule: schedule, using: &random)
                    continue
                }
                do {
                    let report = try await client.result(requestID: id)
                    reachable()
                    let seenAt = clock.now
                    let status = report.state.description
                    if status != lastStatus, report.state != .completed {
                        lastStatus = status
                        guard await record(.status(job: run.id, key: run.key, status: status, time: now())) else { return .leftRunning }
                        emit(run.id, report.state == .inQueue ? .queued : .running, status)
                    }
                    if report.state == .completed, !report.outputs.isEmpty {
                        // Learnt before the line is written: the jobs it wakes need not wait for an fsync.
                        if let submittedAt { learn(doneAt: submittedAt.duration(to: seenAt), lastPendingAt: lastPendingAt) }
                        guard await record(.rendered(job: run.id, key: run.key, outputs: report.outputs, cost: report.cost, time: now())) else { return .leftRunning }
                        if report.cost != nil { emitSpent() }
                        emit(run.id, .rendered, nil)
                    } else if report.state == .failed, let submittedAt {
                        learn(doneAt: submittedAt.duration(to: seenAt), lastPendingAt: lastPendingAt)
                    } else if let submittedAt, report.state != .completed {
                        lastPendingAt = submittedAt.duration(to: seenAt)
                    }
                    action = machine.handle(.report(report), schedule: schedule, elapsed: elapsed(since: submittedAt), using: &random)
                } catch {
                    noteConnectivity(error)
                    // Design rule 4: a 429 (or any answer with Retry-After) on a poll pauses new submits for everyone,
                    // as one on a submit does; polls go on, since they free the account's slots.
                    if error.kind == .throttled || error.retryAfter != nil { pauseSubmits(for: error.retryAfter ?? .seconds(5)) }
                    action = machine.handle(.pollFailed(error), schedule: schedule, elapsed: elapsed(since: submittedAt), using: &random)
                }

            case .refresh(let wait):
                guard await sleep(wait) else { return .rendered }
                guard let id = requestID else {
                    action = machine.handle(.refreshed(outputs: []), schedule: schedule, using: &random)
                    continue
                }
                do {
                    let report = try await client.result(requestID: id)
                    reachable()
                    if report.state == .completed, !report.outputs.isEmpty, report.outputs != machine.outputs {
                        // Fresh URLs on record first: a run that stops now fetches from these next time.
                        guard await record(.rendered(job: run.id, key: run.key, outputs: report.outputs, cost: report.cost, time: now())) else { return .rendered }
                    }
                    action = machine.handle(.refreshed(outputs: report.state == .completed ? report.outputs : []), schedule: schedule, using: &random)
                } catch {
                    noteConnectivity(error)
                    if error.kind == .throttled || error.retryAfter != nil { pauseSubmits(for: error.retryAfter ?? .seconds(5)) }
                    action = machine.handle(.refreshFailed(error), schedule: schedule, using: &random)
                }
                // The refresh ended it (no URL any more, the request gone, every attempt used): that is on record too.
                if let end = JobLifecycle.refreshEndLine(after: action, line(run)) {
                    guard await record(end) else { return .rendered }
                }

            case .download(let url, let attempt, let wait):
                guard attempt == 1 ? !state.everythingStopped : await sleep(wait) else { return .rendered }
                // One output is `<base>.<ext>`, several `<base>-1.<ext>`, `<base>-2.<ext>`; the extension from the bytes.
                let count = max(1, machine.outputs.count)
                let index = machine.downloadIndex
                var base = run.fileBase + (count > 1 ? "-\(index + 1)" : "")
                if count > 1, options.jobIDs.contains(base.lowercased()) { base = run.fileBase + ".output-\(index + 1)" }
                do {
                    let download = try await client.download(from: url, toBase: folder + "/" + base, maxBytes: options.maxDownloadBytes)
                    let relative = String(download.path.dropFirst(folder.count + 1))
                    let line = LedgerEvent.downloaded(
                        job: run.id, key: run.key, path: relative, bytes: download.bytes, sha256: download.sha256, output: index + 1, outputs: count, time: now()
                    )
                    guard await record(line) else { return .rendered }
                    action = machine.handle(.downloaded, schedule: schedule, using: &random)
                    written.append(relative)
                    if case .finish(.completed) = action { emit(run.id, .completed, written.joined(separator: ", ")) }
                } catch {
                    if error.kind == .localIO {
                        // The disk is full or the folder unwritable: no new renders to pay for; what is in flight
                        // goes on (its ids are on record) and its videos wait for the next run.
                        if result.localFailure == nil { result.localFailure = error }
                        stopSubmits(reason: "\(error.code): \(error.message)")
                    }
                    let next = machine.handle(.downloadFailed(error), schedule: schedule, using: &random)
                    guard await record(JobLifecycle.downloadErrorLine(error, attempt: attempt, next: next, line(run))) else { return .rendered }
                    action = next
                }

            case .finish(let outcome):
                await finish(run, outcome)
                return outcome
            }
        }
    }

    /// Writes the terminal line an outcome needs (the lifecycle says which) and reports it.
    private func finish(_ run: PlannedRun, _ outcome: JobLifecycle.Outcome) async {
        // Counted before the line's await: a job whose intent becomes durable meanwhile sees the halt.
        countForHalt(outcome)
        if let line = JobLifecycle.terminalLine(for: outcome, line(run)) { _ = await record(line) }
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
    private func line(_ run: PlannedRun) -> JobLifecycle.LineContext {
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
    private var spent: Double { ledger.spent.folder }

    private func emitSpent() {
        let spend = ledger.spent
        events?.yield(.spent(folder: spend.folder, thisRun: spend.latestRun))
    }

    /// A call that could not connect: the API is unreachable (said once, until a call gets through).
    private func noteConnectivity(_ error: APIError) {
        guard error.kind == .notSent, unreachableSince == nil else { return }
        unreachableSince = clock.now
        events?.yield(.connectivity(reachable: false, detail: error.message))
    }

    private func reachable() {
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
