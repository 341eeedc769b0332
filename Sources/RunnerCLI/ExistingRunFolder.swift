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
