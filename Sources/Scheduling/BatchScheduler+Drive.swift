import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import Synchronization

/// One job driven to its end: its lifecycle (`JobLifecycle`, pure) decides each next action, and `drive` only
/// executes them, one step function per kind of action. Every step writes its line (durable) before it acts.
extension BatchScheduler {
    /// What one job's steps share while it is driven: its lifecycle, and what the steps learn.
    struct DrivenJob {
        let run: PlannedRun
        var machine: JobLifecycle
        var requestID: String?
        /// The last status put on record (a status line is written on a change only).
        var lastStatus: String?
        /// Every file this job wrote in this run, for the line that says it completed (not only its last).
        var written: [String] = []
        var submittedAt: C.Instant?
        /// When it was last seen not finished, since its submit (what poll learning needs).
        var lastPendingAt: Duration?
        let startedAt: C.Instant
    }

    /// Where a step leaves a job: the lifecycle's next action, or its end.
    enum Step {
        case next(JobLifecycle.Action)
        case end(JobLifecycle.Outcome)
    }

    /// Drives one job until its lifecycle finishes it (or a stop leaves it for the next run).
    func drive(_ run: PlannedRun) async -> JobLifecycle.Outcome {
        // A store other workers write too: the job is this worker's once claimed, and only as it is then.
        if ledger.isShared, await !claimed(run) { return .leftPending(reason: JobLifecycle.Outcome.heldElsewhere) }
        var job = DrivenJob(
            run: run, machine: JobLifecycle(start: run.start, policy: options.policy, downloads: options.downloads), requestID: run.requestID,
            startedAt: clock.now
        )
        var action = job.machine.handle(.began, schedule: schedule, using: &random)
        while true {
            let step: Step
            switch action {
            case .submit(let attempt, let wait): step = await submitStep(&job, attempt: attempt, wait: wait)
            case .poll(let wait): step = await pollStep(&job, wait: wait)
            case .refresh(let wait): step = await refreshStep(&job, wait: wait)
            case .download(let url, let attempt, let wait): step = await downloadStep(&job, url: url, attempt: attempt, wait: wait)
            case .finish(let outcome):
                await finish(run, outcome)
                return outcome
            }
            switch step {
            case .next(let next): action = next
            case .end(let outcome): return outcome
            }
        }
    }

    /// Claims a job of a shared store, and drives it only if it is still where it was when planned (the claim folds
    /// in what the job's earlier holder wrote): a submit only if nobody submitted it since, a poll or a download only
    /// if nobody finished it. A job the store already knows another worker moved on is not even claimed.
    private func claimed(_ run: PlannedRun) async -> Bool {
        guard Self.asPlanned(run, await ledger.fold.record(run.id, key: run.key)) else { return false }
        guard await ledger.claim([run.id], limit: 1) == [run.id] else { return false }
        return Self.asPlanned(run, await ledger.fold.record(run.id, key: run.key))
    }

    /// Whether a job's record is still where its run was planned from.
    static func asPlanned(_ run: PlannedRun, _ record: JobRecord) -> Bool {
        switch run.start {
        case .submit(let previous): record.attempts == previous
        case .poll: record.requestID != nil && !record.state.isFinal && record.state != .rendered
        // A completed job is planned for download when its file went missing.
        case .download, .downloadAgain: record.state == .rendered || record.state == .downloadFailed || record.state == .completed
        }
    }

    // MARK: - Submit

    /// A submit: the body built and encoded, the spend admitted and the intent durable, then the POST.
    private func submitStep(_ job: inout DrivenJob, attempt: Int, wait: Duration) async -> Step {
        let run = job.run
        guard let body = run.body else { return .end(.leftPending(reason: "no body")) }
        guard await sleep(wait, beforeSubmit: true), await submitWindow() else { return .end(.leftPending(reason: "submits stopped")) }
        let bytes: [UInt8]
        switch await wireBytes(run, body) {
        case .success(let encoded): bytes = encoded
        case .failure(let end): return .end(end.outcome)
        }
        if let refusal = await admit(run, attempt: attempt) { return .end(refusal) }
        emitSpent()
        emit(run.id, .submitting, nil)
        do {
            let submission = try await client.submit(modelID: body.schema.modelID, body: bytes)
            arrived.add(job: run.id, requestID: submission.requestID)
            result.requestIDs.append((run.id, submission.requestID))
            job.requestID = submission.requestID
            job.submittedAt = clock.now
            reachable()
            guard await record(.submitted(job: run.id, key: run.key, requestID: submission.requestID, time: now())) else {
                // Paid for, and the ledger cannot say so: the id must not be lost.
                result.unrecordedRequestIDs.append((run.id, submission.requestID))
                return .end(.leftRunning)
            }
            arrived.remove(job: run.id)
            emit(run.id, .queued, submission.requestID)
            return .next(job.machine.handle(.submitted(requestID: submission.requestID), schedule: schedule, elapsed: .zero, using: &random))
        } catch {
            noteConnectivity(error)
            if error.kind == .throttled {
                let pause = error.retryAfter ?? .seconds(5)
                pauseSubmits(for: pause)
                await ledger.throttled(for: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
            }
            // The fold decides from the class what the submit may cost (nothing, if it certainly did not start).
            guard await record(JobLifecycle.submitErrorLine(error, line(run))) else {
                if !error.submitMayHaveStarted { result.unrecordedWithdrawals.append(run.id) }
                return .end(.leftPending(reason: "ledger"))
            }
            emitSpent()
            return .next(job.machine.handle(.submitFailed(error), schedule: schedule, using: &random))
        }
    }

    /// Why a body could not be made ready: the job's end.
    struct NotEncoded: Error {
        let outcome: JobLifecycle.Outcome
    }

    /// The bytes to send: a dependent's inputs built from its sources' files (a frame extracted), then the body
    /// encoded. Both happen before the intent, while nothing is on record as possibly sent (it costs nothing).
    private func wireBytes(_ run: PlannedRun, _ written: RequestBody) async -> Result<[UInt8], NotEncoded> {
        var body = written
        if !body.allReferences.isEmpty {
            do {
                body = try await buildInputs(run, body)
            } catch {
                // On record as blocked (with why), and tried again by the next run.
                await inputsUnavailable(run, reason: "\(error)")
                return .failure(NotEncoded(outcome: .leftPending(reason: "\(error)")))
            }
        }
        do {
            return .success(try Self.wireBody(body))
        } catch {
            // An image edited since the manifest was read.
            _ = await record(.failed(job: run.id, key: run.key, code: "image_changed", message: "\(error)", time: now()))
            emit(run.id, .failed, "\(error)")
            return .failure(NotEncoded(outcome: .failed(code: "image_changed", message: "\(error)")))
        }
    }

    /// The spend decision and the intent: the store admits the submit (the cap checked over the whole spend, the
    /// estimate reserved and the `submit_intent` made durable, in one step), then the cap and the stops are
    /// checked again (a stop that came while the intent waited for its fsync withdraws it: the POST has not
    /// started, so it must not). Nil when the POST may go.
    private func admit(_ run: PlannedRun, attempt: Int) async -> JobLifecycle.Outcome? {
        let estimate = PriceList.rounded(run.estimatedCost)
        while true {
            // Made afresh for each try: what the waiting jobs keep aside, and the intent's time, as of now.
            let gate = SpendGate(cap: options.maxCost, reservedForWaiting: graph?.reserved ?? 0, waitingCount: graph?.waiting.count ?? 0)
            let intent = LedgerEvent.submitIntent(job: run.id, key: run.key, attempt: attempt, estimate: run.costIsKnown ? estimate : nil, time: now())
            switch await ledger.admit(intent, estimate: estimate, gate: gate) {
            case .admitted:
                return afterIntent(run, attempt: attempt, gate: gate) ? await withdraw(run, attempt: attempt) : nil
            case .refused(.capReached(let reason)):
                result.costCapReached = true
                stopSubmits(reason: reason, hard: false)
                return .leftPending(reason: "--max-cost reached")
            case .refused(.admit):
                // A store that refuses with a yes: nothing was written; the next run tries again.
                return .leftPending(reason: "not admitted")
            case .refused(.keptForWaiting(let reason)):
                result.costCapReached = true
                emit(run.id, .pending, reason)
                return .leftPending(reason: reason)
            case .wait(let seconds):
                // A bound the store keeps is full: wait, and ask again while submits may go on.
                guard await sleep(.milliseconds(Int64(seconds * 1000)), beforeSubmit: true), await submitWindow() else {
                    return .leftPending(reason: "submits stopped")
                }
            case .stop(let error):
                // The intent may be on disk though nothing was sent: say so, or the next run calls it unknown.
                if result.ledgerFailure == nil { result.ledgerFailure = error }
                stopEverything(reason: "the ledger cannot be written: \(error)")
                result.unrecordedWithdrawals.append(run.id)
                return .leftPending(reason: "ledger")
            }
        }
    }

    /// Whether a durable intent must be withdrawn before its POST: recorded costs above their estimates passed the
    /// cap meanwhile, or a stop came (a signal, a fatal answer, a full disk).
    private func afterIntent(_ run: PlannedRun, attempt: Int, gate: SpendGate) -> Bool {
        let overCap = gate.passedAfterIntent(spent: spent)
        if overCap {
            result.costCapReached = true
            stopSubmits(reason: gate.reachedReason, hard: false)
        }
        return state.hardStopped || overCap || interruptRequested.load(ordering: .sequentiallyConsistent)
    }

    /// Withdraws an intent on record (`not_sent`): the POST never started, and the job is pending again.
    private func withdraw(_ run: PlannedRun, attempt: Int) async -> JobLifecycle.Outcome {
        let reason = state.stopReason ?? "submits stopped"
        if !(await record(.notSent(job: run.id, key: run.key, attempt: attempt, reason: reason, time: now()))) {
            result.unrecordedWithdrawals.append(run.id)
        }
        emitSpent()
        emit(run.id, .pending, reason)
        return .leftPending(reason: reason)
    }

    // MARK: - Poll

    /// A poll: the status put on record when it changed, the render's outputs when it is done, and what polling
    /// learns from the time it took.
    private func pollStep(_ job: inout DrivenJob, wait: Duration) async -> Step {
        let run = job.run
        guard let id = job.requestID else { return .end(.leftPending(reason: "no request id")) }
        guard await pollSleep(wait, submittedAt: job.submittedAt), !state.everythingStopped else { return .end(.leftRunning) }
        if clock.now > job.startedAt.advanced(by: options.jobTimeout) {
            return .next(job.machine.handle(.timedOut, schedule: schedule, using: &random))
        }
        do {
            let report = try await client.result(requestID: id)
            reachable()
            let seenAt = clock.now
            let status = report.state.description
            if status != job.lastStatus, report.state != .completed {
                job.lastStatus = status
                guard await record(.status(job: run.id, key: run.key, status: status, time: now())) else { return .end(.leftRunning) }
                emit(run.id, report.state == .inQueue ? .queued : .running, status)
            }
            let sinceSubmit = job.submittedAt.map { $0.duration(to: seenAt) }
            if report.state == .completed, !report.outputs.isEmpty {
                // Learnt before the line is written: the jobs it wakes need not wait for an fsync.
                if let sinceSubmit { learn(doneAt: sinceSubmit, lastPendingAt: job.lastPendingAt) }
                guard await record(.rendered(job: run.id, key: run.key, outputs: report.outputs, cost: report.cost, time: now())) else { return .end(.leftRunning) }
                if report.cost != nil { emitSpent() }
                emit(run.id, .rendered, nil)
            } else if report.state == .failed, let sinceSubmit {
                learn(doneAt: sinceSubmit, lastPendingAt: job.lastPendingAt)
            } else if let sinceSubmit, report.state != .completed {
                job.lastPendingAt = sinceSubmit
            }
            return .next(job.machine.handle(.report(report), schedule: schedule, elapsed: elapsed(since: job.submittedAt), using: &random))
        } catch {
            noteConnectivity(error)
            // Design rule 4: a 429 (or any answer with Retry-After) on a poll pauses new submits for everyone, as
            // one on a submit does; polls go on, since they free the account's slots.
            if error.kind == .throttled || error.retryAfter != nil { pauseSubmits(for: error.retryAfter ?? .seconds(5)) }
            return .next(job.machine.handle(.pollFailed(error), schedule: schedule, elapsed: elapsed(since: job.submittedAt), using: &random))
        }
    }

    // MARK: - Refresh and download

    /// A result asked again for fresh output URLs (a download failed, or a rendered job of an earlier run).
    private func refreshStep(_ job: inout DrivenJob, wait: Duration) async -> Step {
        let run = job.run
        guard await sleep(wait) else { return .end(.rendered) }
        guard let id = job.requestID else { return .next(job.machine.handle(.refreshed(outputs: []), schedule: schedule, using: &random)) }
        let action: JobLifecycle.Action
        do {
            let report = try await client.result(requestID: id)
            reachable()
            if report.state == .completed, !report.outputs.isEmpty, report.outputs != job.machine.outputs {
                // Fresh URLs on record first: a run that stops now fetches from these next time.
                guard await record(.rendered(job: run.id, key: run.key, outputs: report.outputs, cost: report.cost, time: now())) else { return .end(.rendered) }
            }
            action = job.machine.handle(.refreshed(outputs: report.state == .completed ? report.outputs : []), schedule: schedule, using: &random)
        } catch {
            noteConnectivity(error)
            if error.kind == .throttled || error.retryAfter != nil { pauseSubmits(for: error.retryAfter ?? .seconds(5)) }
            action = job.machine.handle(.refreshFailed(error), schedule: schedule, using: &random)
        }
        // The refresh ended it (no URL any more, the request gone, every attempt used): that is on record too.
        if let end = JobLifecycle.refreshEndLine(after: action, line(run)) {
            guard await record(end) else { return .end(.rendered) }
        }
        return .next(action)
    }

    /// One output downloaded under its name (`OutputNames`, pure) and put on record.
    private func downloadStep(_ job: inout DrivenJob, url: String, attempt: Int, wait: Duration) async -> Step {
        let run = job.run
        guard attempt == 1 ? !state.everythingStopped : await sleep(wait) else { return .end(.rendered) }
        let name = OutputNames(base: run.fileBase, count: job.machine.outputs.count, jobIDs: options.jobIDs).name(of: job.machine.downloadIndex)
        do {
            let download = try await client.download(from: url, toBase: folder + "/" + name.base, maxBytes: options.maxDownloadBytes)
            let relative = String(download.path.dropFirst(folder.count + 1))
            let line = LedgerEvent.downloaded(
                job: run.id, key: run.key, path: relative, bytes: download.bytes, sha256: download.sha256, output: name.number, outputs: name.count, time: now()
            )
            guard await record(line) else { return .end(.rendered) }
            let action = job.machine.handle(.downloaded, schedule: schedule, using: &random)
            job.written.append(relative)
            if case .finish(.completed) = action { emit(run.id, .completed, job.written.joined(separator: ", ")) }
            return .next(action)
        } catch {
            if error.kind == .localIO {
                // The disk is full or the folder unwritable: no new renders to pay for; what is in flight goes on
                // (its ids are on record) and its videos wait for the next run.
                if result.localFailure == nil { result.localFailure = error }
                stopSubmits(reason: "\(error.code): \(error.message)")
            }
            let next = job.machine.handle(.downloadFailed(error), schedule: schedule, using: &random)
            guard await record(JobLifecycle.downloadErrorLine(error, attempt: attempt, next: next, line(run))) else { return .end(.rendered) }
            return .next(next)
        }
    }
}
