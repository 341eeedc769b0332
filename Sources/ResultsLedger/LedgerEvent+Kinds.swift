/// The events this version writes, one constructor per kind (their fields are described in `LedgerSchema.swift`).
/// `time` is the line's UTC time (ISO 8601 with milliseconds).
extension LedgerEvent {
    /// What a run's job list was made from beyond the manifest's bytes: the job filter and each local media file
    /// as it was then. A resume whose manifest, catalogue, filter and files all match reuses the recorded list.
    public struct RunInputs: Sendable, Equatable {
        /// `--only`'s glob, and `--shard`'s `I/N`.
        public var only: String?
        public var shard: String?
        /// Each local media file: absolute path, size in bytes, modification time in nanoseconds.
        public var media: [MediaStamp]

        /// The filter and the local files a job list was made from.
        public init(only: String?, shard: String?, media: [MediaStamp]) {
            self.only = only
            self.shard = shard
            self.media = media
        }
    }

    /// A run that reuses the latest `run_started`'s job list (its manifest, catalogue, filter and files unchanged):
    /// a short line naming that run's start instead of repeating every job.
    public static func runStartedAgain(
        baseURL: String, manifest: String, manifestSHA256: String, models: [(id: String, digest: String)], inputs: RunInputs, sameJobsAs: String,
        time: String
    ) -> LedgerEvent {
        LedgerEvent(time: time, .runStarted(RunStart(
            baseURL: baseURL, manifest: manifest, manifestSHA256: manifestSHA256, models: models.map { Named($0.id, $0.digest) },
            filter: Filter(only: inputs.only, shard: inputs.shard), media: inputs.media, sameJobsAs: sameJobsAs
        )))
    }

    /// The opening line of a run: the base URL, the manifest and its SHA-256, and the jobs it covers. `models` maps
    /// each catalogue model of the run (not the seed) to the digest of its schema; `inputs` is what the list was made
    /// from.
    public static func runStarted(
        baseURL: String, manifest: String, manifestSHA256: String, jobs: [ListedJob], models: [(id: String, digest: String)] = [],
        inputs: RunInputs? = nil, time: String
    ) -> LedgerEvent {
        LedgerEvent(time: time, .runStarted(RunStart(
            baseURL: baseURL, manifest: manifest, manifestSHA256: manifestSHA256, models: models.map { Named($0.id, $0.digest) },
            filter: inputs.map { Filter(only: $0.only, shard: $0.shard) }, media: inputs?.media, jobs: jobs
        )))
    }

    /// A model's price as the run uses it.
    public static func price(model: String, basePriceUSD: Double, unit: String, soundFactor: Double, source: String, time: String) -> LedgerEvent {
        LedgerEvent(time: time, .price(Price(model: model, basePriceUSD: basePriceUSD, unit: unit, soundFactor: soundFactor, source: source)))
    }

    /// Written (and durable) before a submit's POST: from here the job may cost its estimate.
    /// An estimate of nil (the cost is unknown) is written as `null`.
    public static func submitIntent(job: String, key: String, attempt: Int, estimate: Double?, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .submitIntent(Intent(key: key, attempt: attempt, estimatedCost: estimate)))
    }

    /// The API accepted a submit.
    public static func submitted(job: String, key: String, requestID: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .submitted(Request(key: key, requestID: requestID)))
    }

    /// A submit without a request id. `mayHaveStarted` says whether the render may be running (and billed):
    /// false only when the request certainly did not start. `errorClass` is the client's name for the failure.
    public static func submitError(
        job: String, key: String, code: String, message: String, httpStatus: Int?, errorClass: String, mayHaveStarted: Bool, time: String
    ) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .submitError(SubmitFailure(
            key: key, code: code, message: message, httpStatus: httpStatus, errorClass: errorClass, mayHaveStarted: mayHaveStarted
        )))
    }

    /// An intent withdrawn before its POST started: a stop came first.
    public static func notSent(job: String, key: String, attempt: Int, reason: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .notSent(Withdrawal(key: key, attempt: attempt, reason: reason)))
    }

    /// A submit that may have been accepted, with no request id on record.
    public static func unknownOutcome(job: String, key: String, code: String, message: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .unknownOutcome(Failure(key: key, code: code, message: message)))
    }

    /// The API's status changed.
    public static func status(job: String, key: String, status: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .status(StatusChange(key: key, status: status)))
    }

    /// The render is done: its output URLs and, when the API gave it, its cost.
    public static func rendered(job: String, key: String, outputs: [String], cost: Double?, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .rendered(Render(key: key, outputs: outputs, cost: cost)))
    }

    /// Output `output` of `outputs` (1-based) is on disk (`path` relative to the run folder); both are left out
    /// for a job with a single output.
    public static func downloaded(
        job: String, key: String, path: String, bytes: Int, sha256: String, output: Int = 1, outputs: Int = 1, time: String
    ) -> LedgerEvent {
        let several = outputs > 1
        return LedgerEvent(job: job, time: time, .downloaded(Download(
            key: key, path: path, bytes: bytes, sha256: sha256, output: several ? output : nil, outputs: several ? outputs : nil
        )))
    }

    /// A download failed; `final` when no retry follows in this run (the job is then `download_failed`).
    public static func downloadError(
        job: String, key: String, code: String, message: String, httpStatus: Int? = nil, attempt: Int? = nil, final: Bool, time: String
    ) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .downloadError(DownloadFailure(
            key: key, code: code, message: message, httpStatus: httpStatus, attempt: attempt, final: final
        )))
    }

    /// The job failed (the API said so, or its input was refused).
    public static func failed(job: String, key: String, code: String, message: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .failed(Failure(key: key, code: code, message: message)))
    }

    /// The request id is no longer known to the API.
    public static func expired(job: String, key: String, message: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .expired(Failure(key: key, message: message)))
    }

    /// A cancel was asked for.
    public static func cancelRequested(job: String, key: String, requestID: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .cancelRequested(Request(key: key, requestID: requestID)))
    }

    /// The request was cancelled (`requestID` when the cancel named it).
    public static func cancelled(job: String, key: String, requestID: String? = nil, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .cancelled(Request(key: key, requestID: requestID)))
    }

    /// The request could not be cancelled: it runs on and is billed.
    public static func notCancellable(job: String, key: String, requestID: String, status: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .notCancellable(Request(key: key, requestID: requestID, status: status)))
    }

    /// A request id found elsewhere (the web UI) attached to an `unknown_outcome` job.
    public static func adopted(job: String, key: String, requestID: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .adopted(Request(key: key, requestID: requestID)))
    }

    /// A job that waits on other jobs' outputs; `key` is its `after:<sources>` placeholder.
    public static func waiting(job: String, key: String, sources: [String], time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .waiting(Wait(key: key, sources: sources)))
    }

    /// A job that will not be submitted: its source `source` ended `sourceState` (a blocked source blocks on).
    public static func blocked(job: String, key: String, source: String, sourceState: String, reason: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .blocked(Block(key: key, source: source, sourceState: sourceState, reason: reason)))
    }

    /// A dependent's body was built from its sources' files; `key` is the key it renders under.
    public static func inputsResolved(job: String, key: String, sources: [ResolvedSource], time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .inputsResolved(Resolution(key: key, sources: sources)))
    }

    /// A take chosen for its shot in the cut (`by`: who chose, user@host).
    public static func picked(job: String, shot: String, by: String? = nil, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .picked(Pick(shot: shot, by: by)))
    }

    /// A shot's choice removed (`job`: the take that was picked).
    public static func unpicked(job: String, shot: String, by: String? = nil, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .unpicked(Pick(shot: shot, by: by)))
    }

    /// A job approved under its current key: its dependents may render while its key stays this one.
    public static func approved(job: String, key: String, by: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .approved(Approval(key: key, by: by)))
    }

    /// A job's approval withdrawn.
    public static func unapproved(job: String, by: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .unapproved(Approval(by: by)))
    }

    /// One more take of `shot` asked for: the next run renders take `take`; `note` says what to change.
    public static func retakeRequested(shot: String, take: Int, note: String, by: String, time: String) -> LedgerEvent {
        LedgerEvent(job: shot, time: time, .retakeRequested(RetakeRequest(take: take, note: note, by: by)))
    }

    /// A retake of `shot` (take `take`) withdrawn before a run rendered it.
    public static func retakeWithdrawn(shot: String, take: Int, by: String, time: String) -> LedgerEvent {
        LedgerEvent(job: shot, time: time, .retakeWithdrawn(RetakeRequest(take: take, by: by)))
    }

    /// Free text on a job.
    public static func note(job: String, text: String, by: String, time: String) -> LedgerEvent {
        LedgerEvent(job: job, time: time, .note(Note(text: text, by: by)))
    }

    /// A run's end: jobs per state (states with none left out) and the exit code.
    public static func runFinished(counts: [JobState: Int], exitCode: Int, time: String) -> LedgerEvent {
        let members = JobState.allCases.compactMap { state in counts[state].map { Named(state.rawValue, $0) } }
        return LedgerEvent(time: time, .runFinished(RunEnd(counts: members, exitCode: exitCode)))
    }
}
