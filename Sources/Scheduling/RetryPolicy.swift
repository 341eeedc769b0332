public import ModelAPI

/// Should we try again, and what becomes of the job if not: the pure half of retrying (the other half, when,
/// is `Backoff`). Follows the design's money rules: a submit is sent again only where it certainly did not start.
public struct RetryPolicy: Sendable {
    /// What to do after a submit failed.
    public enum SubmitDecision: Sendable, Equatable {
        /// It did not start: send again after the wait.
        case retry(after: Duration)
        /// The service refused the input: the job fails.
        case fail
        /// It may have started: the job is `unknown_outcome`, never resent on its own.
        case unknownOutcome
        /// The batch cannot go on (token, balance, model): stop submitting; the job stays pending.
        case stopBatch
        /// It never got through after every attempt: leave the job pending for the next run.
        case leavePending
    }

    /// What to do after a poll failed.
    public enum PollDecision: Sendable, Equatable {
        /// Poll again after the wait.
        case retry(after: Duration)
        /// The request id is gone: the job is `expired`.
        case expired
        /// The token is refused: stop the run; in-flight jobs are left to the next run.
        case stopRun
    }

    /// How many times a submit that did not start is tried before the job is left pending for the next run.
    public var maxSubmitAttempts: Int
    /// Backoff for submits and polls.
    public var backoff: Backoff

    /// Creates a policy.
    public init(maxSubmitAttempts: Int = 8, backoff: Backoff = Backoff()) {
        self.maxSubmitAttempts = maxSubmitAttempts
        self.backoff = backoff
    }

    /// After a submit of a job failed with `error`, the `unsent`-th in this run that could not be sent at all.
    /// Throttling (429, 503, 408) never uses up the attempts: the service asked us to wait, not to give up.
    public func afterSubmit(_ error: APIError, attempt unsent: Int, using random: inout some RandomNumberGenerator) -> SubmitDecision {
        switch error.kind {
        case .throttled:
            return .retry(after: backoff.delay(afterAttempt: max(unsent, 1), retryAfter: error.retryAfter, using: &random))
        case .notSent:
            guard unsent < maxSubmitAttempts else { return .leavePending }
            return .retry(after: backoff.delay(afterAttempt: unsent, retryAfter: error.retryAfter, using: &random))
        case .rejected:
            return .fail
        case .ambiguous, .transient:
            return .unknownOutcome
        case .expired, .fatal, .localIO:
            return .stopBatch
        }
    }

    /// Whether a failed download is worth trying again: not when it was refused (an insecure URL, a refused
    /// redirect, past the size cap) or cannot be written here (a full disk, a read-only or vanished folder).
    public func retriesDownload(after error: APIError) -> Bool {
        switch error.kind {
        case .notSent, .throttled, .transient, .ambiguous: true
        case .rejected, .expired, .fatal, .localIO: false
        }
    }

    /// After the `failures`-th poll failure in a row.
    public func afterPoll(_ error: APIError, failures: Int, using random: inout some RandomNumberGenerator) -> PollDecision {
        switch error.kind {
        case .expired:
            return .expired
        case .fatal:
            return .stopRun
        case .notSent, .throttled, .transient, .ambiguous, .rejected, .localIO:
            return .retry(after: backoff.delay(afterAttempt: failures, retryAfter: error.retryAfter, using: &random))
        }
    }
}
