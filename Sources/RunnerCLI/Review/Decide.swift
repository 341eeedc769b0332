import Foundation
import JobManifest
import ResultsLedger

#if canImport(Glibc)
import Glibc
#endif

/// The decisions a reviewer takes, checked against a folder's fold: each gives the line to append to
/// `decisions.jsonl` (nil when there is nothing to change) and what to tell the reviewer. `pick`, `approve`,
/// `retake` and the review room all decide through here.
enum Decide {
    /// A decision made: its line (nil: nothing to record) and a sentence for the reviewer.
    struct Made {
        var event: LedgerEvent?
        var message: String
    }

    /// Who takes decisions here: the user and the machine (`user@host`).
    static func reviewer(environment: [String: String]) -> String {
        var user = environment["USER"] ?? environment["LOGNAME"] ?? ""
        if user.isEmpty, let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { user = String(cString: name) }
        var host = [CChar](repeating: 0, count: 256)
        let hostName = gethostname(&host, host.count) == 0 ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return (user.isEmpty ? "unknown" : user) + "@" + hostName
    }

    /// A listed job by id, or a usage error naming the nearest id.
    static func listed(_ jobID: String, in fold: LedgerFold, folder: String) throws(CLIError) -> LedgerFold.PlannedJob {
        guard let planned = fold.planned.first(where: { $0.id == jobID }) else {
            let hint = DidYouMean.suggest(jobID, among: fold.planned.map(\.id)).map { "; did you mean '\($0)'?" } ?? ""
            throw .usage("the run folder has no job '\(jobID)'\(hint) (see 'shotrunner status \(folder)')")
        }
        return planned
    }

    /// The takes of a shot as listed (`shot`, or `shot~1`...).
    static func takes(of shot: String, in fold: LedgerFold) -> [LedgerFold.PlannedJob] {
        fold.planned.filter { JobID.shot(of: $0.id) == shot }
    }

    /// Pick `jobID` (a take, or the single take of a shot without `takes`) as its shot's clip in the cut.
    static func pick(_ jobID: String, fold: LedgerFold, folder: String, by: String) throws(CLIError) -> Made {
        let planned = try listed(jobID, in: fold, folder: folder)
        let shot = JobID.shot(of: jobID)
        let record = fold.currentRecord(jobID, listed: planned.key)
        guard record.state == .completed else {
            throw .usage("take '\(jobID)' is \(record.state.rawValue), not completed: only a clip on disk can be picked (run the batch again to collect it)")
        }
        if fold.picks[shot] == jobID { return Made(event: nil, message: "\(shot): \(jobID) is already the pick") }
        return Made(event: .picked(job: jobID, shot: shot, by: by, time: Timestamp.now()), message: "\(shot): picked \(jobID)")
    }

    /// Remove the pick of `jobID`'s shot (`jobID` the take or the shot).
    static func unpick(_ jobID: String, fold: LedgerFold, by: String) -> Made {
        let shot = JobID.shot(of: jobID)
        guard let picked = fold.picks[shot] else { return Made(event: nil, message: "\(shot): no take was picked") }
        return Made(
            event: .unpicked(job: picked, shot: shot, by: by, time: Timestamp.now()),
            message: "\(shot): pick of \(picked) cleared; the cut uses its lowest completed take"
        )
    }

    /// Approve `jobID` under its current key (its dependents may then render), or with `clear` withdraw it.
    static func approve(_ jobID: String, clear: Bool, fold: LedgerFold, folder: String, by: String) throws(CLIError) -> Made {
        let planned = try listed(jobID, in: fold, folder: folder)
        let key = fold.currentKey(jobID, listed: planned.key)
        if clear {
            guard fold.decisions.approvals[jobID] != nil else { return Made(event: nil, message: "\(jobID) is not approved") }
            return Made(event: .unapproved(job: jobID, by: by, time: Timestamp.now()), message: "\(jobID): approval withdrawn")
        }
        let record = fold.record(jobID, key: key)
        guard record.state == .completed else {
            throw .usage("'\(jobID)' is \(record.state.rawValue), not completed: approve a render once it is on disk (run the batch to render it)")
        }
        if fold.isApproved(jobID, key: key) { return Made(event: nil, message: "\(jobID) is already approved") }
        let gated = planned.approve ? "; the jobs that take its output may now render" : ""
        return Made(event: .approved(job: jobID, key: key, by: by, time: Timestamp.now()), message: "\(jobID): approved\(gated)")
    }

    /// Ask for one more take of `shotID`'s shot (a job id names its shot), with a note; a request not rendered yet
    /// gets the new note. With `clear`, withdraw the request not rendered yet.
    static func retake(_ shotID: String, note: String, clear: Bool, fold: LedgerFold, folder: String, by: String) throws(CLIError) -> Made {
        let shot = JobID.shot(of: shotID)
        let takes = takes(of: shot, in: fold)
        guard !takes.isEmpty else {
            let shots = Array(Set(fold.planned.map { JobID.shot(of: $0.id) })).sorted()
            let hint = DidYouMean.suggest(shot, among: shots).map { "; did you mean '\($0)'?" } ?? ""
            throw .usage("the run folder has no shot '\(shot)'\(hint) (see 'shotrunner status \(folder)')")
        }
        let pending = fold.pendingRetake(shot: shot)
        if clear {
            guard let pending else { return Made(event: nil, message: "\(shot): no retake is waiting for a run") }
            return Made(
                event: .retakeWithdrawn(shot: shot, take: pending.take, by: by, time: Timestamp.now()),
                message: "\(shot): retake \(shot)~\(pending.take) withdrawn"
            )
        }
        let take = pending?.take ?? nextTake(of: shot, listed: takes, fold: fold)
        let what = pending == nil ? "retake asked for" : "the retake's note changed"
        return Made(
            event: .retakeRequested(shot: shot, take: take, note: note, by: by, time: Timestamp.now()),
            message: "\(shot): \(what); the next run renders \(shot)~\(take) (see 'shotrunner plan' for its cost)"
        )
    }

    /// A note on `jobID` (free text, kept with who wrote it).
    static func note(_ jobID: String, text: String, fold: LedgerFold, folder: String, by: String) throws(CLIError) -> Made {
        _ = try listed(jobID, in: fold, folder: folder)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return Made(event: nil, message: "an empty note is not kept") }
        return Made(event: .note(job: jobID, text: trimmed, by: by, time: Timestamp.now()), message: "\(jobID): note kept")
    }

    /// The next free take number of a shot: past its listed takes (a shot without `takes` is take 1) and every
    /// retake asked for.
    static func nextTake(of shot: String, listed: [LedgerFold.PlannedJob], fold: LedgerFold) -> Int {
        let numbers = listed.map { JobID.take(of: $0.id) ?? 1 } + (fold.decisions.retakes[shot] ?? []).map(\.take)
        return (numbers.max() ?? 1) + 1
    }

    /// Appends a decision, durable when this returns (taken while a run holds the folder too).
    static func record(_ made: Made, folder: String) throws(CLIError) {
        guard let event = made.event else { return }
        do {
            try DecisionLog.append([event], folder: folder)
        } catch {
            throw .ledger(error)
        }
    }

    /// A command's decision on a run folder: its fold read (without the folder's lock), the decision made by
    /// whoever runs the command, recorded, and told.
    static func command(_ runDir: String, _ decide: (LedgerFold, _ by: String) throws(CLIError) -> Made) async throws(CLIError) {
        let (path, fold) = try await Self.fold(runDir)
        let made = try decide(fold, reviewer(environment: ProcessInfo.processInfo.environment))
        try record(made, folder: path)
        Console().out(made.message)
    }

    /// A folder's fold for deciding (its decisions included), read without its lock.
    static func fold(_ runDir: String) async throws(CLIError) -> (path: String, fold: LedgerFold) {
        let path = RunFolderPaths.absolute(runDir)
        // A folder whose batch is in the shared ledger: its lines from the database, its decisions from the folder
        // (where the workers read them).
        if let shared = try await SharedPointer.fold(folder: path) { return (path, shared) }
        guard FileManager.default.fileExists(atPath: path + "/ledger.jsonl") else {
            throw .usage("\(runDir) is not a run folder (it has no ledger.jsonl)")
        }
        do {
            return (path, try Ledger.fold(folder: path))
        } catch {
            throw .ledger(error)
        }
    }
}
