import JobManifest
import Scheduling
import SharedLedger

/// What `run` was asked to do, as values: the command's options once parsed and checked. `BatchRun` reads
/// nothing else from the command line.
struct RunRequest: Sendable {
    var manifest: String
    /// `--catalog`: a saved catalogue response to read instead of the cache or the snapshot.
    var catalogFile: String?
    /// `--accept-catalog-change`: render again the completed jobs a changed catalogue re-keyed.
    var acceptCatalogChange = false
    var out: String?
    var concurrency = 4
    var baseURL: String?
    var tokenFile: String?
    var simulate = false
    var retryFailed = false
    var resubmitUnknown = false
    var maxCost: Double?
    var downloads = true
    var only: String?
    var shard: Shard?
    var jobTimeout: Duration = .seconds(3_600)
    var yes = false
    var fresh = false
    var repairLedger = false
    var progress = ProgressMode.auto
    var verbose = false
    var halt: HaltRule?
    var pollMinimum: Duration = .milliseconds(50)
    /// `--wait-approval`: keep running while dependents wait for an approval.
    var waitForApproval = false
    /// `--ledger`: the shared ledger this run is a worker of (nil: the folder's own ledger).
    var ledger: LedgerURL?
    /// `--batch`: the batch within it (default: the manifest's stem).
    var batch: String?
    /// `--account-concurrency`: requests at the service across every worker of the account.
    var accountConcurrency: Int?
    /// `--lease`: a worker silent this long loses its claims.
    var lease: Duration = .seconds(60)
    /// `--db-timeout`: how long a worker rides out a database that does not answer.
    var dbTimeout: Duration = .seconds(300)
}
