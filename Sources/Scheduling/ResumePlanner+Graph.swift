public import JobManifest
public import ResultsLedger

extension ResumePlanner {
    /// A dependent whose sources have not all completed: it joins the queue when they have.
    public struct WaitingJob: Sendable {
        /// The job, its references unresolved.
        public var job: Job
        /// The sources it still waits on.
        public var waitingOn: [String]
        /// Its estimate, counted against `--max-cost` from the start.
        public var estimatedCost: Double
        /// The longest chain of renders from it (the scheduler favours the critical path).
        public var rank: Int
        /// Its place in the manifest's order.
        public var order: Int
    }

    /// A dependent that will not be submitted: a source ended otherwise than completed.
    public struct BlockedJob: Sendable {
        public var job: Job
        public var source: String
        public var sourceState: String
    }

    /// What a run does with a manifest whose jobs feed each other.
    public struct GraphPlan: Sendable {
        /// The jobs ready (independent ones, and dependents whose sources exist), as `plan` gives them.
        public var plan = Plan()
        /// Dependents waiting on sources of this run (or of a later one).
        public var waiting: [WaitingJob] = []
        /// Dependents whose sources failed.
        public var blocked: [BlockedJob] = []
        /// Every job as this run lists it: dependents resolved where their sources exist (a real key), else as
        /// written (`after:<sources>`).
        public var jobs: [Job] = []
        /// The key each job renders under (`after:<sources>` until its sources exist), by id; empty when no job
        /// takes another's output.
        public var keys: [String: String] = [:]
        /// How many runs will submit, waiting dependents included.
        public var submits: Int { plan.submits + waiting.count }
    }

    /// Plans jobs that may take each other's outputs, in dependency order. `selected` says which jobs this run
    /// takes care of (`--only`; nil: all); the others are sources only, read from the ledger.
    public func plan(
        graph jobs: [Job],
        selected only: ((Job) -> Bool)? = nil,
        fold: LedgerFold,
        prices: PriceList,
        fileExists: (String) -> Bool
    ) -> GraphPlan {
        var result = GraphPlan()
        let selected = only ?? { _ in true }
        let graph = StoryboardGraph(jobs)
        guard graph.hasEdges else {
            let chosen = only.map { jobs.filter($0) } ?? jobs
            result.plan = plan(chosen, fold: fold, prices: prices, fileExists: fileExists)
            // No job takes another's output: no key need be looked up by id (at 100,000 jobs the table is 20 MB).
            result.jobs = jobs
            return result
        }
        var current = jobs
        var states = [GraphResolver.SourceState](repeating: .pending, count: jobs.count)
        var superseded: [PlannedRun] = []
        for index in graph.order {
            var job = jobs[index]
            if !graph.sources[index].isEmpty || !job.sources.isEmpty {
                let resolution = GraphResolver.resolve(job) { id in
                    guard let position = graph.position[id] else { return .pending }
                    // A source that gates its dependents counts as done once approved under its current key.
                    if case .completed = states[position], current[position].approve, !fold.isApproved(id, key: current[position].keyText) {
                        return .pending
                    }
                    return states[position]
                }
                switch resolution {
                case .resolved(let resolved):
                    job = resolved
                    current[index] = resolved
                case .waiting(let ids):
                    states[index] = .pending
                    // Renders of its earlier versions still out there are collected now: paid for, whatever its
                    // sources do (a blocked job would otherwise never collect them).
                    if selected(job) { superseded += supersededRuns(job.id, except: job.keyText, fold: fold, fileExists: fileExists) }
                    if selected(job) {
                        result.waiting.append(WaitingJob(
                            job: job, waitingOn: ids, estimatedCost: prices.cost(of: job.body), rank: graph.rank[index], order: index
                        ))
                    }
                    continue
                case .blocked(let source, let state):
                    states[index] = .ended(.blocked)
                    if selected(job) { superseded += supersededRuns(job.id, except: job.keyText, fold: fold, fileExists: fileExists) }
                    if selected(job) { result.blocked.append(BlockedJob(job: job, source: source, sourceState: state)) }
                    continue
                }
            }
            let record = fold.record(job.id, key: job.keyText)
            guard selected(job) else {
                states[index] = GraphResolver.state(of: record, fileExists: fileExists)
                continue
            }
            var one = plan([job], fold: fold, prices: prices, fileExists: fileExists)
            for position in one.runs.indices {
                one.runs[position].rank = graph.rank[index]
                one.runs[position].order = index
            }
            let main = one.runs.filter { $0.body != nil }
            // Rendering in this run: its dependents wait for it, whatever the ledger said of it before.
            states[index] = main.isEmpty ? GraphResolver.state(of: record, fileExists: fileExists) : .pending
            result.plan.runs += main
            superseded += one.runs.filter { $0.body == nil }
            result.plan.unanswered += one.unanswered
            result.plan.settled += one.settled
        }
        // Manifest order for the record; the scheduler orders by rank and place.
        result.plan.runs.sort { $0.order < $1.order }
        result.plan.runs += superseded
        result.jobs = current
        for job in current { result.keys[job.id] = job.keyText }
        return result
    }
}
