import Crypto
import Foundation
import JSON
import JobManifest
import ModelCatalog
import ResultsLedger
import Scheduling

#if canImport(Glibc)
import Glibc
#endif

/// A resume that finds its manifest unchanged: when the manifest (the same file, the same bytes), each model's schema, the job filter and
/// every local media file (path, size, modification time) are as the folder's latest job list was made from, and
/// every job of that list needs nothing, the manifest is not read again: a short `run_started` refers to the list,
/// and the run ends at once. Anything else (a change, or a job with something left to do) goes the whole way.
extension BatchRun {
    /// The folder's end if nothing is left to do and nothing changed; nil to run the whole way.
    func resumeUnchanged() async throws -> Int32? {
        guard !request.fresh, !request.repairLedger else { return nil }
        var folder = RunFolderPaths.defaultFolder(manifest: request.manifest, simulated: request.simulate)
        if let shard = request.shard { folder += "/" + shard.folderName }
        let folderPath = RunFolderPaths.absolute(request.out ?? folder)
        guard FileManager.default.fileExists(atPath: folderPath + "/ledger.jsonl") else { return nil }
        guard let sha = Self.sha256(ofFile: request.manifest) else { return nil }
        let registry = ModelRegistry(catalog: try CatalogOption.load(file: request.catalogFile, environment: environment))
        do {
            return try await RunFolder.withLock(path: folderPath) { _ -> Int32? in
                let ledger = try Ledger(folder: folderPath)
                let fold = ledger.initialFold
                // The same manifest file too: a copy elsewhere names its local files from another folder, while the
                // stamps recorded are of the files the old path named.
                guard let latest = fold.latestInputs, latest.manifestSHA256 == sha, fold.manifestPath == RunFolderPaths.absolute(request.manifest),
                    latest.inputs.only == request.only,
                    latest.inputs.shard == request.shard?.description, latest.inputs.media == MediaStamps.now(latest.inputs.media.map(\.path)),
                    latest.models.allSatisfy({ registry.schema($0.key)?.schemaDigest == $0.value }),
                    let base = try baseURLUnchanged(fold), Self.nothingLeft(fold, folder: folderPath, request: request),
                    Self.everyRetakeListed(fold)
                else { return nil }
                UntilExit.keep(fold)
                try await ledger.append(.runStartedAgain(
                    baseURL: base, manifest: RunFolderPaths.absolute(request.manifest), manifestSHA256: sha,
                    models: latest.models.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, inputs: latest.inputs, sameJobsAs: latest.listedAt,
                    time: Timestamp.now()
                ))
                let jobs = fold.planned.map { ($0.id, $0.key) }
                let ending = RunEnding(ledger: ledger, folder: folderPath, jobs: jobs, notifier: notifier, manifest: RunFolderPaths.absolute(request.manifest))
                let summary = RunSummary(fold: fold, jobs: jobs, folder: folderPath)
                let asked = request.only == nil ? summary : RunSummary(fold: fold, jobs: jobs.filter { Glob.matches(request.only ?? "*", $0.0) }, folder: folderPath)
                let status = RunOutcome(
                    allCompleted: asked.allCompleted(downloads: request.downloads), pendingLeft: 0, costCapReached: false, fatal: false,
                    localFailure: false, interruptedBy: nil, halted: false
                ).exitStatus
                await ending.write(status: status, reason: nil)
                console.err(summary.text(fatal: nil, ledgerFailure: nil, capReached: false))
                console.err("nothing to do: the manifest, its models and its files are as the folder's last run read them")
                return status
            }
        } catch let error as LedgerError {
            throw CLIError.ledger(error)
        }
    }

    /// The base URL the folder was made with, if this run's is the same (else nil: the whole way says why).
    private func baseURLUnchanged(_ fold: LedgerFold) throws -> String? {
        guard let recorded = fold.baseURL else { return nil }
        if request.simulate { return recorded.hasPrefix("http://127.0.0.1") ? recorded : nil }
        guard try Credentials.token(file: request.tokenFile, environment: environment) != nil else { return nil }
        return Credentials.baseURL(option: request.baseURL, environment: environment) == recorded ? recorded : nil
    }

    /// Whether every job of the folder's list needs nothing from this run (as `ResumePlanner` would decide from the
    /// ledger alone), and no render of an earlier version is left to collect.
    static func nothingLeft(_ fold: LedgerFold, folder: String, request: RunRequest) -> Bool {
        let probe = RunFolderPaths.FileProbe(folder: folder)
        let exists = { (file: String) in probe.exists(file) }
        let planner = ResumePlanner(retryFailed: request.retryFailed, resubmitUnknown: request.resubmitUnknown, downloads: request.downloads)
        for job in fold.planned {
            guard request.only.map({ Glob.matches($0, job.id) }) ?? true else { continue }
            let record = fold.currentRecord(job.id, listed: job.key)
            switch record.state {
            case .completed:
                guard record.hasEveryFile, !request.downloads || record.files.allSatisfy({ exists($0 ?? "") }) else { return false }
            case .failed, .expired, .cancelled:
                if request.retryFailed { return false }
            case .unknownOutcome:
                if request.resubmitUnknown { return false }
            case .rendered, .downloadFailed:
                if request.downloads { return false }
            case .pending, .submitting, .queued, .running, .waiting, .blocked, .awaitingApproval:
                return false
            }
            if !planner.supersededRuns(job.id, except: record.key, fold: fold, fileExists: exists).isEmpty { return false }
        }
        return true
    }

    /// Whether every take a retake asked for is in the folder's list already (a new one makes the list anew).
    static func everyRetakeListed(_ fold: LedgerFold) -> Bool {
        guard !fold.decisions.retakes.isEmpty else { return true }
        let listed = Set(fold.planned.map(\.id))
        return fold.decisions.retakes.allSatisfy { shot, retakes in retakes.allSatisfy { listed.contains("\(shot)~\($0.take)") } }
    }

    static func sha256(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Hex.lowercase(SHA256.hash(data: data))
    }
}

/// Local media files as they are now: path, size and modification time (nanoseconds), for the unchanged-manifest
/// check. A file that cannot be looked at is stamped with size -1.
enum MediaStamps {
    static func now(_ paths: [String]) -> [LedgerEvent.MediaStamp] {
        paths.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return LedgerEvent.MediaStamp(path: path, size: -1, modified: 0) }
            let nanoseconds = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
            return LedgerEvent.MediaStamp(path: path, size: Int(info.st_size), modified: nanoseconds)
        }
    }
}
