public import ModelAPI

/// One job's lifecycle as a pure state machine: events in, the next action out. No I/O and no clock of its own,
/// so every path (the money rules included) is tested directly; `BatchScheduler` performs the actions.
public struct JobLifecycle: Sendable {
    /// Where a job starts in this run, from what the ledger says of it.
    public enum Start: Sendable, Equatable {
        /// Nothing was sent (or it may be sent again): submit, after `previousAttempts` earlier intents.
        case submit(previousAttempts: Int)
        /// It has a request id and no end: poll it (never resubmit).
        case poll
        /// It rendered: fetch its output.
        case download(outputs: [String])
        /// An earlier download failed (its URL may have expired): ask for the result again, then fetch.
        case downloadAgain(outputs: [String])
    }

    /// What happened.
    public enum Event: Sendable {
        case began
        case submitted(requestID: String)
        case submitFailed(APIError)
        case report(ResultReport)
        case pollFailed(APIError)
        case downloaded
        case downloadFailed(APIError)
        /// The result asked again before a download retry: its output URLs now (empty: it has none any more).
        case refreshed(outputs: [String])
        /// Asking the result again failed.
        case refreshFailed(APIError)
        /// `--job-timeout` passed while it was still rendering.
        case timedOut
    }

    /// What to do next.
    public enum Action: Sendable, Equatable {
        /// Write the submit intent, then send the submit (after a wait).
        case submit(attempt: Int, after: Duration)
        /// Ask for the result (after a wait).
        case poll(after: Duration)
        /// Fetch the output (after a wait).
        case download(url: String, attempt: Int, after: Duration)
        /// Ask for the result again (after a wait) for fresh output URLs: provider URLs expire, so a download is
        /// never retried from a URL that already failed.
        case refresh(after: Duration)
        /// The job is done for this run.
        case finish(Outcome)
    }

    /// How the job ends this run.
    public enum Outcome: Sendable, Equatable {
        case completed
        /// Rendered, and `--no-download` asked to stop there.
        case rendered
        case failed(code: String, message: String)
        case expired(message: String)
        case cancelled
        case unknownOutcome(code: String, message: String)
        case downloadFailed(code: String, message: String)
        /// Not submitted (or not accepted) this run; the next run tries again.
        case leftPending(reason: String)
        /// Still rendering at `--job-timeout`; the next run polls it.
        case leftRunning
        /// The batch must stop submitting (token, balance, model); the job stays pending.
        indirect case stopBatch(APIError)
        /// The run must stop (the token was refused on a poll); the job is left for the next run.
        indirect case stopRun(APIError)
    }

    /// The state the service last reported.
    public private(set) var lastState: RequestState?
    /// Outputs once rendered.
    public private(set) var outputs: [String] = []
    /// Which output (from 0) the current download fetches.
    public private(set) var downloadIndex = 0
    /// Submits sent in this job's life (the ledger's earlier intents included).
    public private(set) var attempts: Int
    private var polls = 0
    /// Submits of this run that could not be sent at all (the cap on retrying them).
    private var unsent = 0
    private var pollFailures = 0
    private var downloadAttempts = 0
    /// The download error that led to the latest refresh (what the job ends with if no URL comes back).
    private var lastDownloadError: APIError?
    private let start: Start
    private let policy: RetryPolicy
    private let downloads: Bool
    private let maxDownloadAttempts: Int

    /// Creates a machine for a job starting at `start`.
    public init(start: Start, policy: RetryPolicy = RetryPolicy(), downloads: Bool = true, maxDownloadAttempts: Int = 4) {
        self.start = start
        self.policy = policy
        self.downloads = downloads
        self.maxDownloadAttempts = maxDownloadAttempts
        if case .submit(let previous) = start { attempts = previous } else { attempts = 0 }
        switch start {
        case .download(let urls), .downloadAgain(let urls): outputs = urls
        case .submit, .poll: break
        }
    }

    /// The next action after an event.
    /// `elapsed` is the time since this job's submit (zero when unknown, as for a job submitted by an earlier run):
    /// the poll schedule places polls by it.
    public mutating func handle(
        _ event: Event,
        schedule: PollSchedule,
        elapsed: Duration = .zero,
        using random: inout some RandomNumberGenerator
    ) -> Action {
        switch event {
        case .began:
            return began()
        case .submitted:
            polls = 1
            return .poll(after: schedule.delay(beforePoll: 1, elapsed: elapsed, using: &random))
        case .submitFailed(let error):
            return afterSubmit(error, using: &random)
        case .report(let report):
            return after(report, schedule: schedule, elapsed: elapsed, using: &random)
        case .pollFailed(let error):
            pollFailures += 1
            switch policy.afterPoll(error, failures: pollFailures, using: &random) {
            case .retry(let wait): return .poll(after: wait)
            case .expired: return .finish(.expired(message: error.message))
            case .stopRun: return .finish(.stopRun(error))
            }
        case .downloaded:
            // Every output is fetched in turn; the job is completed once the last one is on disk.
            guard downloadIndex + 1 < outputs.count else { return .finish(.completed) }
            downloadIndex += 1
            downloadAttempts = 1
            return .download(url: outputs[downloadIndex], attempt: 1, after: .zero)
        case .downloadFailed(let error):
            guard policy.retriesDownload(after: error), downloadAttempts < maxDownloadAttempts else {
                return .finish(.downloadFailed(code: error.code, message: error.message))
            }
            lastDownloadError = error
            downloadAttempts += 1
            return .refresh(after: policy.backoff.delay(afterAttempt: downloadAttempts - 1, retryAfter: error.retryAfter, using: &random))
        case .refreshed(let urls):
            return refreshed(urls)
        case .refreshFailed(let error):
            return afterRefresh(error, using: &random)
        case .timedOut:
            return .finish(.leftRunning)
        }
    }

    /// The first action, from where the job starts.
    private mutating func began() -> Action {
        switch start {
        case .submit:
            attempts += 1
            return .submit(attempt: attempts, after: .zero)
        case .poll:
            return .poll(after: .zero)
        case .download(let urls):
            return downloadOrFinish(urls, after: .zero)
        case .downloadAgain:
            guard downloads else { return .finish(.rendered) }
            downloadAttempts = 1
            return .refresh(after: .zero)
        }
    }

    /// After a submit failed: again (it certainly did not start, or the API asked to wait), or the job's end.
    private mutating func afterSubmit(_ error: APIError, using random: inout some RandomNumberGenerator) -> Action {
        if error.kind == .notSent { unsent += 1 }
        switch policy.afterSubmit(error, attempt: unsent, using: &random) {
        case .retry(let wait):
            attempts += 1
            return .submit(attempt: attempts, after: wait)
        case .fail:
            return .finish(.failed(code: error.code, message: error.message))
        case .unknownOutcome:
            return .finish(.unknownOutcome(code: error.code, message: error.message))
        case .stopBatch:
            return .finish(.stopBatch(error))
        case .leavePending:
            return .finish(.leftPending(reason: "\(error.code): \(error.message)"))
        }
    }

    /// After a status answer: the outputs to download, the job's end, or another poll.
    private mutating func after(
        _ report: ResultReport, schedule: PollSchedule, elapsed: Duration, using random: inout some RandomNumberGenerator
    ) -> Action {
        pollFailures = 0
        lastState = report.state
        switch report.state {
        case .completed:
            guard !report.outputs.isEmpty else {
                // Paid for, but no output in a shape we know yet: keep asking rather than give it up.
                polls += 1
                return .poll(after: schedule.delay(beforePoll: polls, elapsed: elapsed, using: &random))
            }
            outputs = report.outputs
            return downloadOrFinish(outputs, after: .zero)
        case .failed:
            return .finish(.failed(code: "render_failed", message: report.error ?? "the render failed"))
        case .cancelled:
            return .finish(.cancelled)
        case .inQueue, .inProgress, .unknown:
            polls += 1
            return .poll(after: schedule.delay(beforePoll: polls, elapsed: elapsed, using: &random))
        }
    }

    /// Fresh output URLs: the download goes on from the output it had reached, or ends when there is none.
    private mutating func refreshed(_ urls: [String]) -> Action {
        guard downloadIndex < urls.count else {
            let code = lastDownloadError?.code ?? "download_failed"
            let reason = lastDownloadError.map { $0.message + "; " } ?? ""
            return .finish(.downloadFailed(code: code, message: reason + "the result has no output URL any more"))
        }
        outputs = urls
        return .download(url: urls[downloadIndex], attempt: downloadAttempts, after: .zero)
    }

    /// After asking for fresh URLs failed: expired and fatal end it, anything else is asked again (bounded).
    private mutating func afterRefresh(_ error: APIError, using random: inout some RandomNumberGenerator) -> Action {
        switch error.kind {
        case .expired:
            return .finish(.downloadFailed(code: error.code, message: "the request has expired, and its output with it: \(error.message)"))
        case .fatal:
            return .finish(.stopRun(error))
        default:
            guard downloadAttempts < maxDownloadAttempts else {
                return .finish(.downloadFailed(code: error.code, message: error.message))
            }
            downloadAttempts += 1
            return .refresh(after: policy.backoff.delay(afterAttempt: downloadAttempts - 1, retryAfter: error.retryAfter, using: &random))
        }
    }

    private mutating func downloadOrFinish(_ urls: [String], after wait: Duration) -> Action {
        guard downloads else { return .finish(.rendered) }
        guard let url = urls.first else { return .finish(.failed(code: "no_output", message: "no output URL")) }
        downloadAttempts = 1
        downloadIndex = 0
        return .download(url: url, attempt: 1, after: wait)
    }
}
