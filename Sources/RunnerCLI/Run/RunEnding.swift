import Synchronization
import Foundation
import JobManifest
import ResultsLedger

/// The end of a run, whichever way it comes (finished, declined, interrupted, abandoned, fatal, a bug): the
/// `run_finished` line and `summary.json`, from the ledger's live fold (nothing re-reads the file just written).
/// Written once: a second end (the second Ctrl-C racing the first's) finds it done.
final class RunEnding: Sendable {
    private let ledger: any LedgerStore
    private let folder: String
    /// The jobs the run folder's summary counts (the manifest's, within the shard).
    let jobs: [(id: String, key: String)]
    /// The one writing of the end: whoever comes second (the second Ctrl-C racing the run's own end) waits for it.
    private let writing = Mutex<Task<RunSummary, Never>?>(nil)

    /// Who hears of the end (`--notify`), and how the run is named to them.
    private let notifier: Notifier?
    private let manifest: String

    init(ledger: any LedgerStore, folder: String, jobs: [(id: String, key: String)], notifier: Notifier? = nil, manifest: String = "") {
        self.ledger = ledger
        self.folder = folder
        self.jobs = jobs
        self.notifier = notifier
        self.manifest = manifest
    }

    /// Appends `run_finished` (after every line handed to the ledger before it: the group commit in flight is
    /// flushed first) and writes `summary.json`, once; a later call waits for the first and returns its summary.
    @discardableResult
    func write(status: Int32, reason: String? = nil) async -> RunSummary {
        let task = writing.withLock { task in
            if let task { return task }
            let made = Task { await self.record(status: status, reason: reason) }
            task = made
            return made
        }
        return await task.value
    }

    private func record(status: Int32, reason: String?) async -> RunSummary {
        let summary = RunSummary(fold: await ledger.fold, jobs: jobs, folder: folder)
        _ = try? await ledger.append([.runFinished(counts: summary.counts, exitCode: Int(status), time: Timestamp.now())], releasing: 0)
        // The next open (status, report, a resume) starts from here instead of folding the whole history again.
        if let folderLedger = ledger as? Ledger { await folderLedger.writeCheckpoint(unlessWithin: 1_000) }
        let fold = await ledger.fold
        SummaryFile.write(BatchReport(folders: [(folder, fold)]), exitCode: status, reason: reason, to: folder + "/summary.json")
        if let notifier {
            let spent = ledger.spent.folder
            await notifier.send(RunNotification(
                name: RunNotification.name(of: manifest), manifest: manifest, exitCode: status, folder: folder, fold: fold, spent: spent, reason: reason
            ))
        }
        return summary
    }
}
