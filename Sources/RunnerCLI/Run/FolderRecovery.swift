import Foundation
import JobManifest
import ResultsLedger
import Scheduling
import JSON

/// Remakes a run folder that was removed while a run was going. Its ledger went with it, and with the ledger the
/// record of renders already paid for; the new ledger holds this run's `run_started` and, for each request id
/// the run was given, its submit, so the next run polls and downloads those renders instead of paying again.
enum FolderRecovery {
    /// `true` once the new ledger is durable; `false` if the folder cannot be made or already has a ledger.
    /// Each intent keeps the estimate of its run, so the folder's spend (and `--max-cost`) still counts the renders.
    static func rebuild(folder: String, started: LedgerEvent, requests: [(job: String, requestID: String)], runs: [String: PlannedRun]) async -> Bool {
        guard !FileManager.default.fileExists(atPath: folder + "/ledger.jsonl") else { return false }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let ledger = try Ledger(folder: folder)
            var events = [started]
            for (job, requestID) in requests {
                let key = runs[job]?.key ?? ""
                let estimate = PriceList.rounded(runs[job]?.estimatedCost ?? 0)
                let known = runs[job]?.costIsKnown ?? true
                events.append(.submitIntent(job: job, key: key, attempt: 1, estimate: known ? estimate : nil, time: Timestamp.now()))
                events.append(.submitted(job: job, key: key, requestID: requestID, time: Timestamp.now()))
            }
            try await ledger.append(events)
            return true
        } catch {
            return false
        }
    }
}
