public import JobManifest
public import ResultsLedger

/// Whether a dependent can be built: its sources as the ledger (and this run's plan) show them. Pure, so the plan
/// (before anything runs) and the scheduler (as sources complete) decide alike.
public enum GraphResolver {
    /// A source of a dependent, as far as the dependent is concerned.
    public enum SourceState: Sendable, Equatable {
        /// Completed, every output on disk: its record (digests and files).
        case completed(JobRecord)
        /// Not completed yet, and it may still be (it renders in this run, or waits, or a later run takes it).
        case pending
        /// It ended otherwise (`failed`, `expired`, `cancelled`, `unknown_outcome`) or is blocked itself.
        case ended(JobState)
    }

    /// What a dependent can do now.
    public enum Resolution: Sendable {
        /// Every source completed: the job with its references resolved (its real key).
        case resolved(Job)
        /// Some sources have not completed yet (their ids).
        case waiting([String])
        /// A source ended otherwise: the dependent is never submitted.
        case blocked(source: String, state: String)
    }

    /// A source's state from its record. `rendered` and `download_failed` are not ends: their files may still come
    /// (a run with `--no-download`, a download retried next time).
    public static func state(of record: JobRecord, fileExists: (String) -> Bool) -> SourceState {
        switch record.state {
        case .completed:
            return record.hasEveryFile && record.files.allSatisfy({ fileExists($0 ?? "") }) ? .completed(record) : .pending
        case .failed, .expired, .cancelled, .unknownOutcome, .blocked:
            return .ended(record.state)
        case .submitting:
            // An intent with no answer: the run that reads it records it as unknown_outcome (unless resubmitted).
            return .ended(.unknownOutcome)
        case .pending, .queued, .running, .rendered, .downloadFailed, .waiting, .awaitingApproval:
            return .pending
        }
    }

    /// Resolves a dependent against its sources' states (`source(id)`): blocked if any ended, waiting if any is
    /// not done, else resolved with each reference's digest from its source's `downloaded` line.
    public static func resolve(_ job: Job, source: (String) -> SourceState) -> Resolution {
        var waitingOn: [String] = []
        var records: [String: JobRecord] = [:]
        for id in job.sources {
            switch source(id) {
            case .ended(let state): return .blocked(source: id, state: state.rawValue)
            case .pending: waitingOn.append(id)
            case .completed(let record): records[id] = record
            }
        }
        guard waitingOn.isEmpty else { return .waiting(waitingOn) }
        var missing: (job: String, output: Int)?
        let body = job.body.replacingMedia { media in
            guard case .reference(let reference) = media, let record = records[reference.job] else { return nil }
            let index = reference.outputIndex
            let digest = index < record.fileSHA256.count ? record.fileSHA256[index] : (index == 0 ? record.sha256 : nil)
            guard let digest else {
                missing = (reference.job, index + 1)
                return nil
            }
            return .resolved(ResolvedInput(reference: reference, sourceSHA256: digest))
        }
        if let missing { return .blocked(source: missing.job, state: "completed without output \(missing.output)") }
        return .resolved(job.resolved(body))
    }
}
