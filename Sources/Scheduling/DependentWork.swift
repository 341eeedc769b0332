public import JobManifest

/// Extracts one frame of a video as PNG (ffmpeg in the CLI; a fake in tests).
public protocol FrameExtracting: Sendable {
    /// Writes the frame of `video` that `frame` names to `png` (the caller renames it into place).
    func extractFrame(of video: String, at frame: JobReference.Frame, to png: String) async throws
}

/// What a batch needs to bring in jobs that wait on others: the waiting jobs, every job's key, and what planning
/// a resolved job takes (the planner's rules, the prices, the files on disk).
public struct DependentWork: Sendable {
    public var waiting: [ResumePlanner.WaitingJob]
    /// The key each job of the run folder renders under, by id (sources' records are found by it).
    public var keys: [String: String]
    public var planner: ResumePlanner
    public var prices: PriceList
    /// Whether a file exists, relative to the run folder.
    public var fileExists: @Sendable (String) -> Bool
    /// Frames for `frame:` references (nil: none can be extracted, and such a job fails without being sent).
    public var frames: (any FrameExtracting)?
    /// The jobs that gate their dependents (`approve: true`): a dependent waits until each is approved under its key.
    public var gates: Set<String> = []

    /// The jobs waiting on others, the blocked ones, and what the graph knows of their sources.
    public init(
        waiting: [ResumePlanner.WaitingJob], keys: [String: String], planner: ResumePlanner, prices: PriceList,
        fileExists: @escaping @Sendable (String) -> Bool, frames: (any FrameExtracting)?
    ) {
        self.waiting = waiting
        self.keys = keys
        self.planner = planner
        self.prices = prices
        self.fileExists = fileExists
        self.frames = frames
    }
}

/// The waiting jobs of a batch as it goes: who waits on whom, and the estimates kept aside for them.
struct GraphState {
    var work: DependentWork
    /// The key each job renders under (a dependent's, once resolved).
    var keys: [String: String]
    var waiting: [String: ResumePlanner.WaitingJob] = [:]
    /// Each waiting job's sources not completed yet.
    var remaining: [String: Set<String>] = [:]
    /// The waiting jobs of each source.
    var dependents: [String: [String]] = [:]
    /// Gating sources that completed and are not approved, each holding dependents back (`--wait-approval`
    /// watches for their approvals).
    var approvalHolds: Set<String> = []
    /// Superseded renders already being collected (`id`, newline, key): a job brought in later must not collect
    /// them a second time.
    var collecting: Set<String> = []
    /// The estimates of the jobs still waiting: `--max-cost` keeps them aside, so independent jobs cannot spend
    /// what a chain already started needs to finish.
    var reserved = 0.0

    /// `running`: the ids of the jobs this run renders. A waiting job none of whose missing sources this run can
    /// complete (a source left out by `--only`) keeps no estimate aside: it cannot be submitted now.
    init(_ work: DependentWork, running: Set<String>) {
        self.work = work
        keys = work.keys
        var reachable = running
        // In plan order, sources before dependents.
        for var job in work.waiting {
            if job.waitingOn.allSatisfy(reachable.contains) {
                reachable.insert(job.job.id)
            } else {
                job.estimatedCost = 0
            }
            waiting[job.job.id] = job
            remaining[job.job.id] = Set(job.waitingOn)
            reserved += job.estimatedCost
            for source in job.job.sources { dependents[source, default: []].append(job.job.id) }
        }
    }

    /// Stops keeping estimates aside for the jobs waiting (directly or down the chain) on `source`, which will not
    /// complete in this run: they stay waiting, for the next run.
    mutating func release(after source: String) {
        for id in dependents[source] ?? [] {
            guard let cost = waiting[id]?.estimatedCost, cost > 0 else { continue }
            reserved -= cost
            waiting[id]?.estimatedCost = 0
            release(after: id)
        }
    }
}

/// The order runs start in: the longest chain first, then manifest place, then the order they came.
struct ReadyKey: Comparable, Sendable {
    let rank: Int
    let order: Int
    let sequence: Int

    static func < (lhs: ReadyKey, rhs: ReadyKey) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank > rhs.rank }
        if lhs.order != rhs.order { return lhs.order < rhs.order }
        return lhs.sequence < rhs.sequence
    }
}
