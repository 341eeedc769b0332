/// Where a job stands, as the ledger tells it (`status --json`'s `state`).
public enum JobState: String, Sendable, CaseIterable, Comparable {
    case pending
    case submitting
    case queued
    case running
    case rendered
    case completed
    case failed
    case expired
    case cancelled
    case unknownOutcome = "unknown_outcome"
    case downloadFailed = "download_failed"
    /// Its sources (the jobs whose outputs it takes) have not all completed yet.
    case waiting
    /// A source ended otherwise than completed: nothing was submitted, nothing spent.
    case blocked

    /// Whether the job is done for good (a run does nothing more with it unless asked).
    public var isFinal: Bool {
        switch self {
        case .completed, .failed, .expired, .cancelled, .unknownOutcome: true
        default: false
        }
    }

    public static func < (lhs: JobState, rhs: JobState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What the ledger knows of one job (for one key).
public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var key: String
    public var state: JobState = .pending
    public var requestID: String?
    /// Submit intents written.
    public var attempts = 0
    public var outputs: [String] = []
    /// The first output's file, relative to the run folder.
    public var file: String? { files.first ?? nil }
    /// Every output's file, relative to the run folder, by output (nil where not downloaded yet).
    public var files: [String?] = []
    /// The SHA-256 of each output's file, by output, as its `downloaded` line recorded it, for a job with several
    /// outputs (a single output's is `sha256`).
    public var fileSHA256: [String?] = []
    /// The jobs it waits on (`waiting`).
    public var waitingOn: [String] = []
    /// The source that left it `blocked`, and that source's state.
    public var blockedBy: BlockedBy?
    /// Whether every output's file is recorded.
    public var hasEveryFile: Bool { !files.isEmpty && files.allSatisfy { $0 != nil } }
    public var bytes: Int?
    public var sha256: String?
    /// What the API said it cost.
    public var cost: Double?
    /// The estimate written with the submit intent.
    public var estimatedCost: Double?
    public var errorCode: String?
    public var errorMessage: String?
    /// The last status the API reported (kept even when unknown).
    public var apiStatus: String?
    /// Time of the first submit intent and of the render, for reports.
    public var firstSubmitAt: String?
    public var renderedAt: String?
    /// What earlier attempts of this job (and key) may have cost: each submit that may have started counts.
    public var earlierSpend = 0.0
    /// Whether the latest submit may have started (and so may cost money).
    public var latestMayCost = false

    /// Why a job is blocked: which source, in which state.
    public struct BlockedBy: Sendable, Equatable {
        public var job: String
        public var state: String

        public init(job: String, state: String) {
            self.job = job
            self.state = state
        }
    }

    public init(id: String, key: String) {
        self.id = id
        self.key = key
    }

    /// Whether this record has cost money (or may have): something was submitted.
    public var wasSubmitted: Bool { attempts > 0 }

    /// The spend this record counts for: every submit that may have started, each at its estimate until the
    /// API's recorded cost replaces the latest one's. A submit that certainly did not start (not sent,
    /// throttled, refused) and a request cancelled while queued cost nothing.
    public var spend: Double {
        var latest = 0.0
        if latestMayCost, state != .cancelled || cost != nil { latest = cost ?? estimatedCost ?? 0 }
        return earlierSpend + latest
    }
}
