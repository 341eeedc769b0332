import ModelAPI
import ResultsLedger

/// Which ledger line each step of a job's life writes: pure functions of the lifecycle's events and outcomes, so
/// the scheduler only performs them (and tests read them without a scheduler).
extension JobLifecycle {
    /// A job as its lines name it: id, key, and the clock that stamps them.
    struct LineContext {
        let job: String
        let key: String
        let time: String
    }

    /// The line an outcome ends on in this run (nil when the outcome needs none: the step that led to it wrote
    /// one already, or the job goes on next run).
    static func terminalLine(for outcome: Outcome, _ c: LineContext) -> LedgerEvent? {
        switch outcome {
        case .failed(let code, let message): .failed(job: c.job, key: c.key, code: code, message: message, time: c.time)
        case .expired(let message): .expired(job: c.job, key: c.key, message: message, time: c.time)
        case .cancelled: .cancelled(job: c.job, key: c.key, time: c.time)
        case .unknownOutcome(let code, let message): .unknownOutcome(job: c.job, key: c.key, code: code, message: message, time: c.time)
        case .completed, .rendered, .downloadFailed, .leftPending, .leftRunning, .stopBatch, .stopRun: nil
        }
    }

    /// A submit that failed: what it may have cost is decided here, from the error's kind.
    static func submitErrorLine(_ error: APIError, _ c: LineContext) -> LedgerEvent {
        .submitError(
            job: c.job, key: c.key, code: error.code, message: String(error.message.prefix(500)), httpStatus: error.httpStatus,
            errorClass: error.kind.rawValue, mayHaveStarted: error.submitMayHaveStarted, time: c.time
        )
    }

    /// A download that failed; `final` when the lifecycle's next step ends the job.
    static func downloadErrorLine(_ error: APIError, attempt: Int, next: Action, _ c: LineContext) -> LedgerEvent {
        let final: Bool = if case .finish = next { true } else { false }
        return .downloadError(
            job: c.job, key: c.key, code: error.code, message: String(error.message.prefix(500)), httpStatus: error.httpStatus,
            attempt: attempt, final: final, time: c.time
        )
    }

    /// The line a result refresh ends the job with (its URLs gone, the request gone, every attempt used).
    static func refreshEndLine(after action: Action, _ c: LineContext) -> LedgerEvent? {
        guard case .finish(.downloadFailed(let code, let message)) = action else { return nil }
        return .downloadError(job: c.job, key: c.key, code: code, message: String(message.prefix(500)), final: true, time: c.time)
    }
}

extension APIError {
    /// Whether a submit that failed this way may have started a render (and may be billed): every kind but those
    /// where the request certainly did not start.
    var submitMayHaveStarted: Bool {
        switch kind {
        case .notSent, .throttled, .rejected, .fatal: false
        case .ambiguous, .transient, .expired, .localIO: true
        }
    }
}
