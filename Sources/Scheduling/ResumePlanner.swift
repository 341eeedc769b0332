public import JobManifest
public import ResultsLedger

/// Decides, from the manifest and the folded ledger, what each job needs in this run: the design's resume rules
/// in one pure function (`ResumePlannerTests`).
///
/// | ledger says (for the job's current key) | this run |
/// |---|---|
/// | nothing, or not sent / throttled last time | submit |
/// | an intent with no answer | write `unknown_outcome` first; then as `unknown_outcome` |
/// | a request id and no end | poll it, never resubmit |
/// | rendered | download from the recorded URL |
/// | `download_failed` | ask the result for a fresh URL, then download |
/// | completed, every file on disk | nothing |
/// | completed, a file gone | download again from the recorded URLs |
/// | `unknown_outcome` | nothing (reported), unless `--resubmit-unknown` |
/// | failed, expired, cancelled | nothing, unless `--retry-failed` |
/// | an older key with a request id and no end (the shot was edited) | collect it as `<id>.superseded-<key8>.<ext>` |
public struct ResumePlanner: Sendable {
    /// What to do for the jobs of a run.
    public struct Plan: Sendable {
        /// Jobs to take care of, in manifest order (superseded renders after).
        public var runs: [PlannedRun] = []
        /// Jobs whose submit intent has no answer: `unknown_outcome` lines to write before anything else.
        public var unanswered: [(id: String, key: String)] = []
        /// Jobs that need nothing (completed, or final and not asked to go again).
        public var settled: [String] = []
        /// How many runs will submit.
        public var submits: Int { runs.filter { if case .submit = $0.start { true } else { false } }.count }
    }

    public var retryFailed = false
    public var resubmitUnknown = false
    public var downloads = true

    /// A planner: whether failed and unknown jobs go again, and whether outputs are downloaded.
    public init(retryFailed: Bool = false, resubmitUnknown: Bool = false, downloads: Bool = true) {
        self.retryFailed = retryFailed
        self.resubmitUnknown = resubmitUnknown
        self.downloads = downloads
    }

    /// Plans `jobs` (already filtered by `--only`/`--shard`) against the ledger's fold.
    public func plan(
        _ jobs: [Job],
        fold: LedgerFold,
        prices: PriceList,
        fileExists: (String) -> Bool
    ) -> Plan {
        var plan = Plan()
        var superseded: [PlannedRun] = []
        for job in jobs {
            let key = job.keyText
            let record = fold.record(job.id, key: key)
            let fileBase = job.id
            let cost = prices.cost(of: job.body)
            let costIsKnown = prices.estimate(of: job.body) != nil
            func run(_ start: JobLifecycle.Start) -> PlannedRun {
                var run = PlannedRun(id: job.id, key: key, start: start, requestID: record.requestID, body: job.body, estimatedCost: cost, fileBase: fileBase)
                run.costIsKnown = costIsKnown
                return run
            }
            switch record.state {
            case .pending, .waiting, .blocked, .awaitingApproval:
                plan.runs.append(run(.submit(previousAttempts: record.attempts)))
            case .submitting:
                plan.unanswered.append((job.id, key))
                if resubmitUnknown { plan.runs.append(run(.submit(previousAttempts: record.attempts))) } else { plan.settled.append(job.id) }
            case .queued, .running:
                plan.runs.append(run(.poll))
            case .rendered:
                if downloads { plan.runs.append(run(.download(outputs: record.outputs))) } else { plan.settled.append(job.id) }
            case .downloadFailed:
                // Its recorded URL already failed (provider URLs expire): ask the result for a fresh one first.
                if downloads { plan.runs.append(run(.downloadAgain(outputs: record.outputs))) } else { plan.settled.append(job.id) }
            case .completed:
                if record.hasEveryFile, record.files.allSatisfy({ fileExists($0 ?? "") }) || !downloads {
                    plan.settled.append(job.id)
                } else {
                    plan.runs.append(run(.download(outputs: record.outputs)))
                }
            case .unknownOutcome:
                if resubmitUnknown { plan.runs.append(run(.submit(previousAttempts: record.attempts))) } else { plan.settled.append(job.id) }
            case .failed, .expired, .cancelled:
                if retryFailed { plan.runs.append(run(.submit(previousAttempts: record.attempts))) } else { plan.settled.append(job.id) }
            }
            // Renders of earlier versions of this shot still out there: paid for, so collected.
            superseded += supersededRuns(job.id, except: key, fold: fold, fileExists: fileExists)
        }
        plan.runs += superseded
        return plan
    }

    /// The renders of a job under keys other than `key` that are still to collect (in flight, rendered, or
    /// completed with a file gone): paid for, so polled and downloaded as `<id>.superseded-<key8>.<ext>`.
    public func supersededRuns(_ id: String, except key: String, fold: LedgerFold, fileExists: (String) -> Bool) -> [PlannedRun] {
        var runs: [PlannedRun] = []
        for old in fold.otherRecords(id, except: key) where old.requestID != nil {
            let name = "\(id).superseded-\(String(old.key.dropFirst(3).prefix(8)))"
            let start: JobLifecycle.Start?
            switch old.state {
            case .queued, .running: start = .poll
            case .rendered: start = downloads ? .download(outputs: old.outputs) : nil
            case .downloadFailed: start = downloads ? .downloadAgain(outputs: old.outputs) : nil
            case .completed: start = old.files.allSatisfy({ fileExists($0 ?? "") }) || !downloads ? nil : .download(outputs: old.outputs)
            default: start = nil
            }
            if let start {
                runs.append(PlannedRun(id: id, key: old.key, start: start, requestID: old.requestID, body: nil, estimatedCost: 0, fileBase: name))
            }
        }
        return runs
    }
}
