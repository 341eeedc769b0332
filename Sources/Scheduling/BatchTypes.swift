public import JobManifest
public import ModelAPI
public import ResultsLedger

/// How a batch runs.
public struct BatchOptions: Sendable {
    /// Jobs the runner waits on at once (submitting, queued, rendering, downloading).
    public var concurrency = 4
    /// The folder's cumulative spend may not pass this (USD); new submits stop before it would.
    public var maxCost: Double?
    /// A job still rendering after this long (in this run) is left running for the next run.
    public var jobTimeout: Duration = .seconds(3_600)
    /// Fetch outputs (`--no-download` turns it off).
    public var downloads = true
    /// The largest output accepted.
    public var maxDownloadBytes = 1 << 30
    /// Polling bounds.
    public var pollMinimum: Duration = .milliseconds(50)
    public var pollMaximum: Duration = .seconds(30)
    /// Retry rules.
    public var policy = RetryPolicy()
    /// Seeds jitter (tests); `nil` seeds from the system.
    public var seed: UInt64?
    /// `--halt`: stop new submits once this run's failures say the batch is going wrong.
    public var halt: HaltRule?
    /// `--wait-approval`: while dependents wait for an approval, keep running and render them as their sources
    /// are approved (else they wait for the next run).
    public var waitForApproval = false
    /// Every job id of the manifest, lowercased: a result with more outputs than its shot promised must not name a
    /// file `<id>-2` after another job (`<id>.output-2` then).
    public var jobIDs: Set<String> = []

    /// The defaults: four at once, no cap, no halt, downloads on.
    public init() {}
}

/// One job to take care of in this run.
public struct PlannedRun: Sendable {
    /// The job id (`scene/shot~2`).
    public var id: String
    /// The key the ledger lines carry (an older key for a superseded render still being collected).
    public var key: String
    /// Where it starts.
    public var start: JobLifecycle.Start
    /// Its request id when it starts by polling.
    public var requestID: String?
    /// The body to submit (nil for a superseded render, which is never submitted again).
    public var body: RequestBody?
    /// The estimate counted against `--max-cost` at submit.
    public var estimatedCost: Double
    /// Whether its cost is known at all (a model with no price, or a clip of no known length, is not): an intent
    /// records `estimated_cost: null` then, not 0.
    public var costIsKnown = true
    /// Where its outputs go, relative to the run folder and without an extension (`scene/shot`,
    /// `shot.superseded-1a2b3c4d`): one output is `<base>.<ext>`, several `<base>-1.<ext>`, ...
    public var fileBase: String
    /// The longest chain of renders from this job (1 unless others wait on it): the scheduler starts the
    /// highest first, so the critical path is not left behind independent jobs.
    public var rank = 1
    /// Its place in the manifest, the tie-break after `rank` (0 for a list without a graph: the list's order).
    public var order = 0

    /// A run of a job: how it starts, its body (nil for a superseded render), its estimate and its files' base.
    public init(id: String, key: String, start: JobLifecycle.Start, requestID: String? = nil, body: RequestBody?, estimatedCost: Double, fileBase: String) {
        self.id = id
        self.key = key
        self.start = start
        self.requestID = requestID
        self.body = body
        self.estimatedCost = estimatedCost
        self.fileBase = fileBase
    }
}

/// Progress, as the scheduler reports it.
public enum SchedulerEvent: Sendable, Equatable {
    /// A job changed state.
    case state(job: String, state: JobState, detail: String?)
    /// Submits are paused (429) for this long.
    case paused(Duration)
    /// New submits stopped, and why.
    case submitsStopped(reason: String)
    /// The folder's spend so far (USD): estimates of jobs in flight, recorded costs of rendered ones; and the part
    /// of it that changed in this run.
    case spent(folder: Double, thisRun: Double)
    /// The API stopped answering (calls cannot connect; they are retried) or answers again.
    case connectivity(reachable: Bool, detail: String?)
}

/// How a batch ended.
public struct BatchResult: Sendable {
    /// Each job's outcome in this run (the latest, for a job that ended twice), as a table.
    public var outcomes: [String: JobLifecycle.Outcome] {
        Dictionary(outcomeList.map { ($0.label, $0.outcome) }, uniquingKeysWith: { _, latest in latest })
    }
    /// The outcomes in the order the jobs ended: a list, since nothing of a run looks them up (a table of
    /// 100,000 took 15 MB of a run's peak).
    public private(set) var outcomeList: [(label: String, outcome: JobLifecycle.Outcome)] = []

    mutating func record(_ label: String, _ outcome: JobLifecycle.Outcome) {
        outcomeList.append((label, outcome))
    }
    /// `--max-cost` stopped new submits with jobs left.
    public var costCapReached = false
    /// A fatal API error stopped the batch.
    public var fatal: APIError?
    /// Stopped by a signal.
    public var interrupted = false
    /// `--halt` tripped: why, in words (`--halt fail=3: 3 jobs failed`).
    public var halted: String?
    /// The ledger could not be written.
    public var ledgerFailure: LedgerError?
    /// A video could not be written here (a full disk, a read-only or vanished folder): new submits stopped,
    /// jobs in flight went on while the ledger could still be written.
    public var localFailure: APIError?
    /// Every request id this run was given (job id, request id), in order: if the ledger is lost with its
    /// folder, these are what `adopt` needs.
    public var requestIDs: [(job: String, requestID: String)] = []
    /// Request ids that arrived but could not be recorded (job id, request id): tell the user, for `adopt`.
    public var unrecordedRequestIDs: [(job: String, requestID: String)] = []

    /// Jobs whose submit was withdrawn before its POST (a stop came first) but whose ledger could not say so: on
    /// record as an intent with no answer, though they were certainly not sent.
    public var unrecordedWithdrawals: [String] = []

    /// Jobs blocked in this run: a source ended otherwise than completed (nothing submitted for them).
    public var blocked: [String] = []

    /// An empty result.
    public init() {}
}
