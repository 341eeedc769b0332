import ArgumentParser
import Foundation
import ResultsLedger
import Scheduling
import SharedLedger

/// `shotrunner run MANIFEST [options]`
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Render a manifest's jobs; resumes from the run folder's ledger by default.",
        discussion: """
            Submits every job that has not rendered yet, polls, and downloads each video as soon as it is ready, \
            keeping a ledger (ledger.jsonl) in the run folder: run again to resume, and nothing paid for is \
            submitted twice. See docs/commands.md for the options and exit codes, docs/operations.md for \
            unattended runs.
            """
    )

    @Argument(help: ArgumentHelp("The manifest to render.", valueName: "manifest"))
    var manifest: String

    @Option(help: "The run folder (default: renders/<manifest-stem>/ beside the manifest).")
    var out: String?

    @Option(help: "Jobs waited on at once.")
    var concurrency = 4

    @Option(name: .customLong("base-url"), help: "The API's base URL (default: RUNCOMFY_BASE_URL, else https://model-api.runcomfy.net).")
    var baseURL: String?

    @Option(name: .customLong("token-file"), help: "Read the API token from this file (mode 600) instead of RUNCOMFY_API_TOKEN.")
    var tokenFile: String?

    @Flag(help: "Render against a simulator started in-process on loopback (no account, no token, no cost).")
    var simulate = false

    @Flag(name: .customLong("retry-failed"), help: "Submit failed, expired and cancelled jobs again.")
    var retryFailed = false

    @Flag(name: .customLong("resubmit-unknown"), help: "Submit unknown_outcome jobs again (they may already be rendering: check first).")
    var resubmitUnknown = false

    @Option(name: .customLong("max-cost"), help: "Stop new submits before the folder's total spend (USD) would pass this.")
    var maxCost: Double?

    @Flag(name: .customLong("no-download"), help: "Stop at rendered: do not fetch the videos.")
    var noDownload = false

    @Option(help: "Only jobs whose id matches this glob (* and ?).")
    var only: String?

    @OptionGroup var sharding: ShardOptions

    @OptionGroup var catalog: CatalogOption

    @Flag(name: .customLong("accept-catalog-change"), help: "Render again the completed jobs whose defaults a refreshed catalogue changed (otherwise the run lists them and stops, exit 2).")
    var acceptCatalogChange = false

    @Option(name: .customLong("job-timeout"), help: "Leave a job still rendering after this long (a duration: 45m, 2h, 90s) for the next run.")
    var jobTimeout = DurationArgument(.seconds(3_600), text: "60m")

    @Flag(help: "Do not ask before spending (needed when there is no terminal).")
    var yes = false

    @Flag(help: "Refuse to resume: the run folder must be new or empty.")
    var fresh = false

    @Flag(name: .customLong("repair-ledger"), help: "Set unreadable ledger lines aside into ledger.jsonl.corrupt and go on.")
    var repairLedger = false

    @Option(help: "Progress display: auto, line (one live line), plain (a line per change) or json (one object per line).")
    var progress = ProgressMode.auto

    @Option(help: ArgumentHelp(
        "Stop new submits once N jobs of this run have failed (fail=N, N at least 1), or P% of those it finished, once 10 have (fail=P%, P above 0, at most 100); jobs in flight finish; exit 1.",
        valueName: "fail=N|fail=P%"
    ))
    var halt: HaltArgument?

    @Option(name: .customLong("notify"), help: ArgumentHelp(
        "POST the run's end to this URL (repeatable; also SHOTRUNNER_NOTIFY_URL): a Slack, Discord or Mattermost incoming webhook takes it as it is. https, or http to this machine.",
        valueName: "url"
    ))
    var notify: [String] = []

    @Flag(help: "While jobs wait for their sources' approval (approve: true), keep running and render them as they are approved (in the review room, or with 'shotrunner approve'); without it they wait for the next run.")
    var waitApproval = false

    @Option(help: ArgumentHelp("Be one worker of a batch kept in a shared ledger (PostgreSQL) instead of the folder's own ledger (also SHOTRUNNER_LEDGER_URL; PGPASSWORD when the URL has none).", valueName: "postgres://USER@HOST[:PORT]/DB"))
    var ledger: String?

    @Option(help: "The batch within the shared ledger ([A-Za-z0-9._-], at most 64; default: the manifest's stem).")
    var batch: String?

    @Option(name: .customLong("account-concurrency"), help: "With --ledger: requests at the service at once across every worker of every batch of this account (the smallest a live worker gives wins).")
    var accountConcurrency: Int?

    @Option(help: "With --ledger: a worker silent this long loses its claims to the others (a duration, at least 3s; renewed every lease/6).")
    var lease = DurationArgument(.seconds(60), text: "60s")

    @Option(name: .customLong("db-timeout"), help: "With --ledger: how long to ride out a database that does not answer before stopping (exit 6), nothing lost.")
    var dbTimeout = DurationArgument(.seconds(300), text: "5m")

    @Flag(help: "Log every API call (the token redacted).")
    var verbose = false

    @Option(name: .customLong("poll-min"), help: "The shortest wait between two polls of a job (a duration: 2s, 50ms; polling learns from the render times it sees).")
    var pollMinimum = DurationArgument(.milliseconds(50), text: "50ms")

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1.") }
        if let maxCost, maxCost < 0 { throw ValidationError("--max-cost cannot be negative.") }
        if let accountConcurrency, accountConcurrency < 1 { throw ValidationError("--account-concurrency must be at least 1.") }
        if lease.duration < .seconds(3) { throw ValidationError("--lease must be at least 3s (a heartbeat goes every lease/6).") }
        if dbTimeout.duration < .seconds(1) { throw ValidationError("--db-timeout must be at least 1s.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let console = Console()
        let targets: NotifyTargets
        do {
            targets = try NotifyTargets(options: notify, environment: environment)
        } catch {
            throw CLIError.usage("\(error)")
        }
        let notifier = Notifier(targets: targets, console: console)
        let status: Int32
        do {
            let request = RunRequest(
                manifest: manifest, catalogFile: catalog.file, acceptCatalogChange: acceptCatalogChange, out: out, concurrency: concurrency, baseURL: baseURL, tokenFile: tokenFile, simulate: simulate,
                retryFailed: retryFailed, resubmitUnknown: resubmitUnknown, maxCost: maxCost, downloads: !noDownload, only: only,
                shard: try sharding.resolve(environment: environment), jobTimeout: jobTimeout.duration,
                yes: yes, fresh: fresh, repairLedger: repairLedger, progress: progress, verbose: verbose, halt: halt?.rule,
                pollMinimum: pollMinimum.duration, waitForApproval: waitApproval,
                ledger: try sharedLedger(environment), batch: batch, accountConcurrency: accountConcurrency, lease: lease.duration, dbTimeout: dbTimeout.duration
            )
            status = try await BatchRun(request: request, console: console, environment: environment, notifier: notifier).perform()
        } catch {
            // An end that wrote no run_finished (an invalid manifest, a locked folder, a refused option) is told too,
            // with the folder's counts when there is one.
            let folder = notifier.folder
            let fold = folder.flatMap { try? Ledger.fold(folder: $0) }
            await notifier.send(RunNotification(
                name: RunNotification.name(of: manifest), manifest: RunFolderPaths.absolute(manifest), exitCode: Entry.status(for: error),
                folder: folder, fold: fold, spent: nil, reason: Entry.briefly(error)
            ))
            throw error
        }
        if status != ExitStatus.success { throw CLIError.exit(status) }
    }

    /// `--ledger` (or `SHOTRUNNER_LEDGER_URL`); nil for the folder's own ledger. The options that only a worker
    /// takes are refused without it.
    private func sharedLedger(_ environment: [String: String]) throws -> LedgerURL? {
        guard ledger != nil || !(environment["SHOTRUNNER_LEDGER_URL"] ?? "").isEmpty else {
            if batch != nil || accountConcurrency != nil { throw CLIError.usage("--batch and --account-concurrency need --ledger (a shared ledger)") }
            return nil
        }
        return try LedgerOption.url(ledger, environment: environment, hint: "")
    }
}
