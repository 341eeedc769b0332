import Foundation
import ResultsLedger

/// A run folder that must already exist (for `cancel` and `adopt`): checked, locked, its ledger opened and folded.
struct ExistingRunFolder {
    let path: String
    let lock: RunFolder
    let ledger: Ledger
    let fold: LedgerFold

    /// Opens `runDir`; a folder without a ledger is a usage error (and nothing is created in it).
    init(_ runDir: String) throws(CLIError) {
        path = RunFolderPaths.absolute(runDir)
        // Its batch is in the shared ledger: writing the folder's closed ledger.jsonl would go unread (a request id
        // adopted there would be lost to the workers).
        if let pointer = SharedPointer.read(folder: path) {
            throw .usage("\(runDir) renders through the shared ledger \(pointer.url), batch \(pointer.batch): cancel and adopt do not take such a folder yet (export the batch to a folder with 'shotrunner ledger export' once its workers have ended)")
        }
        guard FileManager.default.fileExists(atPath: path + "/ledger.jsonl") else {
            throw .usage("\(runDir) is not a run folder (it has no ledger.jsonl)")
        }
        do {
            lock = try RunFolder(path: path)
            ledger = try Ledger(folder: path)
        } catch {
            throw .ledger(error)
        }
        fold = ledger.initialFold
    }

    /// Before the command ends: the fold as a checkpoint beside the ledger, so the next open reads only what
    /// comes after it.
    func checkpoint() async {
        await ledger.writeCheckpoint()
    }
}
