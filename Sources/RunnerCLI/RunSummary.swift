import Foundation
import JobManifest
import ResultsLedger
import JSON

/// The state of a run folder's jobs, from the ledger alone: `status`, `summary.json` and the end-of-run summary.
struct RunSummary {
    /// Read in place from the fold: no copy of 100,000 records at a run's end.
    let records: FoldRecords
    let counts: [JobState: Int]
    let baseURL: String?
    let folder: String
    /// Each shot's picked take (shot id: job id).
    let picks: [String: String]
    /// The model of each job that does not render with the seed's.
    let models: [String: String]
    /// The reviewers' decisions (approvals, retakes, notes), and each job's approval state under its key.
    let review: ReviewFields

    /// The jobs listed (id, key), each with what the ledger says of it under that key.
    init(fold: LedgerFold, jobs: [(id: String, key: String)], folder: String) {
        records = FoldRecords(fold: fold, jobs: jobs)
        var counts: [JobState: Int] = [:]
        for position in records.indices { counts[records.state(at: position), default: 0] += 1 }
        self.counts = counts
        baseURL = fold.baseURL
        self.folder = folder
        picks = fold.picks
        var models: [String: String] = [:]
        for job in fold.planned { if let model = job.model { models[job.id] = model } }
        self.models = models
        review = ReviewFields(fold: fold)
    }

    /// The model a job renders with (the seed's unless its list entry names another).
    func model(of record: JobRecord) -> String {
        models.isEmpty ? Self.seedModel : models[record.id] ?? Self.seedModel
    }

    private static let seedModel = ModelSchema.klingO3ProImageToVideo.modelID

    /// Whether a job is its shot's picked take.
    func isPicked(_ record: JobRecord) -> Bool {
        !picks.isEmpty && picks[JobID.shot(of: record.id)] == record.id
    }

    /// The jobs of the folder's latest run, as its `run_started` listed them.
    init(fold: LedgerFold, folder: String) {
        self.init(fold: fold, jobs: fold.planned.map { ($0.id, $0.key) }, folder: folder)
    }

    func allCompleted(downloads: Bool) -> Bool {
        // A job that waits only for an approval is not unfinished work of this run: a person's decision is.
        records.indices.allSatisfy {
            let state = records.state(at: $0)
            return state == .completed || state == .awaitingApproval || (!downloads && state == .rendered)
        }
    }

    var countsJSON: JSONValue {
        .object(JobState.allCases.compactMap { state in counts[state].map { (state.rawValue, .int($0)) } })
    }

    /// `status --json`'s entry for a job, written straight to bytes (the same text as `jobJSON`'s, at level 2).
    func writeJob(_ record: JobRecord, indent: Int?, to out: inout [UInt8]) {
        var object = JSONObjectWriter(indent: indent, level: 2, to: &out)
        object.string("id", record.id, to: &out)
        object.string("key", record.key, to: &out)
        object.string("state", record.state.rawValue, to: &out)
        object.string("request_id", record.requestID, to: &out)
        object.int("attempts", record.attempts, to: &out)
        object.string("output", record.output, to: &out)
        object.string("file", record.file, to: &out)
        object.strings("files", present: record.fileList, to: &out)
        object.string("model", model(of: record), to: &out)
        object.strings("waiting_on", record.state == .waiting || record.state == .awaitingApproval ? record.waitingOn : [], to: &out)
        if record.state == .blocked, let by = record.blockedBy {
            object.value("blocked_by", .object([("job", .string(by.job)), ("state", .string(by.state))]), to: &out)
        } else {
            object.value("blocked_by", .null, to: &out)
        }
        object.number("cost", record.cost, to: &out)
        if let code = record.errorCode {
            object.value("error", .object([("code", .string(code)), ("message", .string(record.errorMessage ?? ""))]), to: &out)
        } else {
            object.value("error", .null, to: &out)
        }
        object.bool("picked", isPicked(record), to: &out)
        object.bool("approved", review.isApproved(record), to: &out)
        object.value("retake", review.retakeJSON(record), to: &out)
        object.value("notes", review.notesJSON(record), to: &out)
        object.end(&out)
    }

    /// `status --json`'s entry for a job.
    func jobJSON(_ record: JobRecord) -> JSONValue {
            .object([
                ("id", .string(record.id)),
                ("key", .string(record.key)),
                ("state", .string(record.state.rawValue)),
                ("request_id", record.requestID.map(JSONValue.string) ?? .null),
                ("attempts", .int(record.attempts)),
                ("output", record.output.map(JSONValue.string) ?? .null),
                ("file", record.file.map(JSONValue.string) ?? .null),
                ("files", .array(record.files.compactMap { $0 }.map(JSONValue.string))),
                ("model", .string(model(of: record))),
                ("waiting_on", .array(record.state == .waiting || record.state == .awaitingApproval ? record.waitingOn.map(JSONValue.string) : [])),
                ("blocked_by", record.state == .blocked ? record.blockedBy.map { .object([("job", .string($0.job)), ("state", .string($0.state))]) } ?? .null : .null),
                ("cost", record.cost.map { .number($0) } ?? .null),
                ("error", record.errorCode.map { .object([("code", .string($0)), ("message", .string(record.errorMessage ?? ""))]) } ?? .null),
                ("picked", .bool(isPicked(record))),
                ("approved", .bool(review.isApproved(record))),
                ("retake", review.retakeJSON(record)),
                ("notes", review.notesJSON(record)),
            ])
    }

    /// The closing summary for people.
    func text(fatal: (any Error)?, ledgerFailure: (any Error)?, capReached: Bool, halted: String? = nil) -> String {
        var lines = ["\(records.count) jobs: " + JobState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }.joined(separator: ", ")]
        for position in records.indices where [.failed, .expired, .unknownOutcome, .downloadFailed, .cancelled, .blocked].contains(records.state(at: position)) {
            let record = records[position]
            lines.append("  \(record.id): \(record.state.rawValue)" + (record.errorMessage.map { " (\($0))" } ?? ""))
        }
        let waiting = records.indices.filter { records.state(at: $0) == .waiting }.map { records[$0] }
        if !waiting.isEmpty {
            let shown = waiting.prefix(10).map { "\($0.id) (on \($0.waitingOn.joined(separator: ", ")))" }.joined(separator: ", ")
            lines.append("  still waiting on other jobs: \(shown)\(waiting.count > 10 ? " and \(waiting.count - 10) more" : ""); run again once they complete")
        }
        if let fatal { lines.append("stopped: \(fatal)") }
        if let ledgerFailure { lines.append("stopped: \(ledgerFailure); free space or fix the folder, then run again") }
        if capReached { lines.append("stopped: --max-cost reached; raise it to submit the rest") }
        if let halted { lines.append("halted: \(halted); new submits stopped, jobs in flight finished; run again to go on") }
        lines.append("run folder: \(folder)")
        return lines.joined(separator: "\n")
    }
}
