import Synchronization
import Foundation
import JobManifest
import ResultsLedger

/// The end of a run, whichever way it comes (finished, declined, interrupted, abandoned, fatal, a bug): the
/// `run_finished` line and `summary.json`, from the ledger's live fold (nothing re-reads the file just written).
/// Written once: a second end (the second Ctrl-C racing the first's) finds it done.
final class RunEnding: Sendable {
    private let ledger: Ledger
    private let folder: String
    /// The jobs the run folder's summary counts (the manifest's, within the shard).
    private let jobs: [(id: String, key: String)]
    private let written = Mutex(false)

    init(ledger: Ledger, folder: String, jobs: [(id: String, key: String)]) {
        self.ledger = ledger
        self.folder = folder
        self.jobs = jobs
    }

    /// Appends `run_finished` (after every line handed to the ledger before it: the group commit in flight is
    /// flushed first) and writes `summary.json`. Returns the summary of the jobs, for the closing lines; `nil`
    /// when the end was already written.
    @discardableResult
    func write(status: Int32) async -> RunSummary? {
        let first = written.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return nil }
        let before = await ledger.fold
        let summary = RunSummary(fold: before, jobs: jobs, folder: folder)
        _ = try? await ledger.append(LedgerEvent(.runFinished, time: Timestamp.now(), [
            ("counts", summary.countsJSON), ("exit_code", .int(Int(status))),
        ]))
        SummaryFile.write(BatchReport(folders: [(folder, await ledger.fold)]), exitCode: status, to: folder + "/summary.json")
        return summary
    }
}
