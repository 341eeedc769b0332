import APISimulator
import ArgumentParser
import Crypto
import Dispatch
import Foundation
import JobManifest
import ModelAPI
import ProcessSignals
import ResultsLedger
import Scheduling
import Synchronization
import JSON

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

    @Option(name: .customLong("job-timeout"), help: "Leave a job still rendering after this long (e.g. 45m, 2h, 90s) for the next run.")
    var jobTimeout = "60m"

    @Flag(help: "Do not ask before spending (needed when there is no terminal).")
    var yes = false

    @Flag(help: "Refuse to resume: the run folder must be new or empty.")
    var fresh = false

    @Flag(name: .customLong("repair-ledger"), help: "Set unreadable ledger lines aside into ledger.jsonl.corrupt and go on.")
    var repairLedger = false

    @Option(help: "Progress display: auto, line, plain or json.")
    var progress = "auto"

    @Flag(help: "Log every API call (the token redacted).")
    var verbose = false

    @Option(name: .customLong("poll-min"), help: "The shortest wait between two polls of a job (polling learns from the render times it sees).")
    var pollMinimum = "50ms"

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1.") }
        guard ProgressMode(rawValue: progress) != nil else { throw ValidationError("--progress is one of auto, line, plain, json.") }
        guard DurationParser.parse(jobTimeout) != nil else { throw ValidationError("--job-timeout takes a duration like 90s, 45m or 2h.") }
        guard DurationParser.parse(pollMinimum) != nil else { throw ValidationError("--poll-min takes a duration like 2s or 50ms.") }
        if let maxCost, maxCost < 0 { throw ValidationError("--max-cost cannot be negative.") }
    }

    func run() async throws {
        let console = Console()
        let environment = ProcessInfo.processInfo.environment
        let manifestValue: Manifest
        do {
            manifestValue = try ManifestReader().read(path: manifest)
        } catch {
            console.err(DiagnosticRenderer.render(error.diagnostics, path: manifest))
            throw CLIError.invalidManifests(count: 1)
        }
        if !manifestValue.warnings.isEmpty { console.err(DiagnosticRenderer.render(manifestValue.warnings, path: manifest)) }
        let shard = try sharding.resolve(environment: environment)
        let jobs = manifestValue.jobs.filter { job in
            (only.map { Glob.matches($0, job.id) } ?? true) && (shard?.contains(job.id) ?? true)
        }

        var defaultFolder = RunFolderPaths.defaultFolder(manifest: manifest, simulated: simulate)
        if let shard { defaultFolder += "/" + shard.folderName }
        let folderPath = RunFolderPaths.absolute(out ?? defaultFolder)
        if fresh, !RunFolder.isNewOrEmpty(folderPath) {
            throw CLIError.usage("--fresh: the run folder \(folderPath) is not empty (choose another --out, or drop --fresh to resume)")
        }
        let folder: RunFolder
        let ledger: Ledger
        do {
            folder = try RunFolder(path: folderPath)
            ledger = try Ledger(folder: folderPath, repair: repairLedger, afterDurable: Self.faultHook(environment, folder: folderPath))
        } catch {
            throw CLIError.ledger(error)
        }
        for note in ledger.repairs { console.err("note: \(note)") }

        // From here on, every end of the run is on record: run_finished and summary.json.
        let shardJobs = manifestValue.jobs.filter { shard?.contains($0.id) ?? true }
        let ending = RunEnding(ledger: ledger, folder: folderPath, jobs: shardJobs.map { ($0.id, $0.key.description) })
        let status: Int32
        do {
            status = try await render(manifestValue, jobs: jobs, shardJobs: shardJobs, ledger: ledger, folderPath: folderPath, ending: ending, console: console, environment: environment)
        } catch {
            // A usage error (another base URL, no --yes without a terminal) leaves a folder it did not run in as it was.
            let status = Entry.status(for: error)
            if status != ExitStatus.invalidInput { await ending.write(status: status) }
            withExtendedLifetime(folder) {}
            throw error
        }
        withExtendedLifetime(folder) {}
        if status != ExitStatus.success { throw CLIError.exit(status) }
    }

    /// The fault-injection hook of crash tests (debug builds only: a release binary holds no trace of it).
    private static func faultHook(_ environment: [String: String], folder: String) -> (@Sendable (Int) -> Void)? {
        #if DEBUG
        FaultHook.fromEnvironment(environment, folder: folder)
        #else
        nil
        #endif
    }

    /// The run itself, once the folder is open: returns the exit status, with `run_finished` and `summary.json`
    /// written (a thrown error leaves them to the caller).
    private func render(
        _ manifestValue: Manifest, jobs: [Job], shardJobs: [Job], ledger: Ledger, folderPath: String, ending: RunEnding,
        console: Console, environment: [String: String]
    ) async throws -> Int32 {
        let fold = ledger.initialFold

        // Where to render: the simulator in-process, or the API.
        var simulator: RunningSimulator?
        let token: Token
        let base: String
        if simulate {
            var options = SimulatorOptions()
            options.clockScale = 0.002
            options.renderSeconds = 20...90
            do {
                simulator = try await SimulatorServer.start(options)
            } catch {
                throw CLIError.setup("--simulate: the simulator cannot listen on loopback: \(error)")
            }
            token = Token("simulated")
            base = fold.baseURL ?? simulator!.baseURL
        } else {
            guard let found = try Credentials.token(file: tokenFile, environment: environment) else {
                throw CLIError.setup("no API token: set RUNCOMFY_API_TOKEN (or use --token-file FILE, or --simulate to try without an account)")
            }
            token = found
            base = Credentials.baseURL(option: baseURL, environment: environment)
        }
        defer { if let simulator { Task { await simulator.stop() } } }
        let effectiveBase = simulator?.baseURL ?? base
        if let recorded = fold.baseURL, !simulate, recorded != base {
            throw CLIError.usage("the run folder \(folderPath) was made against \(recorded), not \(base); use another --out")
        }
        if simulate, let recorded = fold.baseURL, !recorded.hasPrefix("http://127.0.0.1") {
            throw CLIError.usage("the run folder \(folderPath) was made against \(recorded), not the simulator; use another --out")
        }

        let planner = ResumePlanner(retryFailed: retryFailed, resubmitUnknown: resubmitUnknown, downloads: !noDownload)
        var plan = planner.plan(jobs, fold: fold, prices: .estimate) { file in FileManager.default.fileExists(atPath: folderPath + "/" + file) }

        if plan.submits > 0, !simulate, !yes, !console.isTerminal {
            throw CLIError.usage("this run would submit \(plan.submits) jobs; with no terminal to ask, pass --yes")
        }

        // Signals from here on: before the scheduler exists (the price call, the prompt) one ends the run on record.
        let interruption = Interruption()
        let signals = SignalWatcher { signal, count in
            let status = signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
            guard let scheduler = interruption.scheduler, count < 2 else {
                if count >= 2 {
                    console.err("\ninterrupted again: abandoning what is on the wire (those jobs will be unknown_outcome)")
                } else {
                    console.err("\ninterrupted before anything was submitted")
                }
                interruption.scheduler?.requestInterrupt()
                for (job, requestID) in interruption.scheduler?.arrived.unrecorded ?? [] {
                    console.err("IMPORTANT: \(job) was accepted as \(requestID) just now; run 'shotrunner adopt \(folderPath) \(job) \(requestID)'")
                }
                // The end on record first (the pending group commit flushed before it), unless the disk hangs.
                DispatchQueue.global().asyncAfter(deadline: .now() + 5) { Foundation.exit(status) }
                Task {
                    await ending.write(status: status)
                    Foundation.exit(status)
                }
                return
            }
            console.err("\ninterrupted: letting submits on the wire finish; run again to resume (interrupt again to abandon them)")
            scheduler.requestInterrupt()
        }

        // The price, asked of the API before anything is spent: it feeds the prompt, the estimates and the cap.
        let modelID = manifestValue.schema.modelID
        var prices = PriceList.estimate
        if !plan.runs.isEmpty {
            prices = try await livePrice(modelID: modelID, token: token, base: effectiveBase, needed: plan.submits > 0, console: console)
            plan.runs = plan.runs.map { run in
                var run = run
                if let body = run.body { run.estimatedCost = prices.cost(of: body) }
                return run
            }
        }

        // An intent with no answer from an earlier run: it may have been accepted. Say so in the ledger first.
        do {
            for (id, key) in plan.unanswered {
                try await ledger.append(.unknownOutcome(
                    job: id, key: key, code: "no_answer_recorded",
                    message: "a submit was sent and no answer recorded (the run stopped); check RunComfy's Generations page, then adopt or --resubmit-unknown",
                    time: Timestamp.now()
                ))
            }
        } catch {
            throw CLIError.ledger(error)
        }

        // The run begins.
        let manifestSHA = (try? Data(contentsOf: URL(fileURLWithPath: manifest))).map { Hex.lowercase(SHA256.hash(data: $0)) } ?? ""
        // Made again only if the folder has to be rebuilt: at 100,000 jobs the event is tens of MB as a tree.
        let startedAt = Timestamp.now()
        let baseForLedger = simulate ? (fold.baseURL ?? effectiveBase) : base
        func runStarted() -> LedgerEvent {
            let jobList = shardJobs.map { job in
                LedgerEvent.ListedJob(
                    id: job.id, key: job.key.description, duration: job.body.duration, sound: job.body.sound,
                    estimatedCost: PriceList.rounded(prices.cost(of: job.body))
                )
            }
            return .runStarted(
                baseURL: baseForLedger, manifest: RunFolderPaths.absolute(manifest), manifestSHA256: manifestSHA, jobs: jobList, time: startedAt
            )
        }
        do {
            var opening = [runStarted()]
            if !plan.runs.isEmpty {
                opening.append(.price(
                    model: modelID, basePriceUSD: prices.perSecond, unit: "second", soundFactor: prices.soundFactor,
                    source: prices.source.rawValue, time: startedAt
                ))
            }
            try await ledger.append(opening)
        } catch {
            throw CLIError.ledger(error)
        }

        // Spend confirmation.
        let submitCost = plan.runs.filter { if case .submit = $0.start { true } else { false } }.reduce(0) { $0 + $1.estimatedCost }
        if plan.submits > 0, !simulate, !yes {
            let source = prices.source == .api ? "live price" : prices.source == .snapshot ? "published price" : "built-in estimate"
            console.out("Submit \(plan.submits) jobs, estimated \(PlanReport.usd(submitCost)) (\(source))? [y/N] ")
            guard let answer = console.readLine()?.lowercased(), answer == "y" || answer == "yes" else {
                console.err("nothing submitted")
                await ending.write(status: ExitStatus.jobsUnfinished)
                return ExitStatus.jobsUnfinished
            }
        }

        var options = BatchOptions()
        options.concurrency = concurrency
        options.maxCost = maxCost
        options.jobTimeout = DurationParser.parse(jobTimeout) ?? .seconds(3_600)
        options.downloads = !noDownload
        options.pollMinimum = DurationParser.parse(pollMinimum) ?? .milliseconds(50)
        options.pollMaximum = max(options.pollMinimum, .seconds(30))
        if simulate {
            options.pollMinimum = .milliseconds(20)
            options.pollMaximum = .milliseconds(200)
            options.policy.backoff = Backoff(base: .milliseconds(50), cap: .seconds(1))
        }
        let transport = AsyncHTTPTransport()
        let httpClient = HTTPModelAPIClient(configuration: .init(baseURL: effectiveBase), token: token, transport: transport)
        let client: any ModelAPIClient = verbose ? LoggingAPIClient(base: httpClient, logger: LoggingAPIClient.standardError()) : httpClient
        let printer = ProgressPrinter(mode: ProgressMode(rawValue: progress) ?? .auto, console: console, total: plan.runs.count + plan.settled.count, isTerminal: console.isTerminal)
        let (stream, continuation) = AsyncStream<SchedulerEvent>.makeStream()
        let scheduler = BatchScheduler(
            client: client, ledger: ledger, folder: folderPath, modelID: modelID, options: options,
            clock: ContinuousClock(), now: Timestamp.now, events: continuation
        )
        interruption.scheduler = scheduler
        let runs = plan.runs
        let result = await withTaskGroup(of: BatchResult?.self) { group in
            group.addTask {
                for await event in stream { printer.handle(event) }
                return nil
            }
            group.addTask {
                let result = await scheduler.run(runs)
                continuation.finish()
                return result
            }
            var final = BatchResult()
            for await value in group { if let value { final = value } }
            return final
        }
        printer.finish()
        await transport.shutdown()

        // The end: the ledger's live fold for the summary, the end recorded, and the exit the design says.
        let finalFold = await ledger.fold
        let summary = RunSummary(fold: finalFold, jobs: shardJobs.map { ($0.id, $0.key.description) }, folder: folderPath)
        // The exit status speaks of the jobs asked for (`--only` narrows them); the summary lists them all.
        let asked = only == nil ? summary : RunSummary(fold: finalFold, jobs: jobs.map { ($0.id, $0.key.description) }, folder: folderPath)
        var status = asked.allCompleted(downloads: !noDownload) ? ExitStatus.success : ExitStatus.jobsUnfinished
        if result.costCapReached, asked.counts[.pending, default: 0] > 0 { status = ExitStatus.costCapReached }
        if result.fatal != nil { status = ExitStatus.fatalSetup }
        if result.ledgerFailure != nil || result.localFailure != nil { status = ExitStatus.localIO }
        if result.interrupted { status = signals.lastSignal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted }
        await ending.write(status: status)
        let spend = ledger.spent
        console.err(summary.text(fatal: result.fatal, ledgerFailure: result.ledgerFailure, capReached: result.costCapReached))
        console.err("spent: \(PlanReport.usd(spend.folder)) for the folder, \(PlanReport.usd(spend.latestRun)) of it in this run")
        if let advice = LocalFailureAdvice(result: result, summary: summary).text { console.err(advice) }
        if result.ledgerFailure?.isGone == true {
            // The folder went away with this run's ledger: the renders it paid for must not be paid for again.
            let runs = Dictionary(plan.runs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            if await FolderRecovery.rebuild(folder: folderPath, started: runStarted(), requests: result.requestIDs, runs: runs) {
                console.err("the run folder was removed while the run was going: made it again with a ledger of the \(result.requestIDs.count) renders this run started, so the next run polls and downloads them instead of paying again")
                withExtendedLifetime(signals) {}
                return ExitStatus.localIO
            }
        }
        let lost = result.ledgerFailure?.isGone == true ? result.requestIDs : result.unrecordedRequestIDs
        for (job, requestID) in lost {
            console.err("IMPORTANT: \(job) was accepted as \(requestID) but the ledger could not record it; once the folder is writable run 'shotrunner adopt \(folderPath) \(job) \(requestID)'")
        }
        for job in result.unrecordedWithdrawals {
            console.err("note: \(job) was never sent (a stop came before its POST), but the ledger could not record that; the next run reports it unknown_outcome: 'shotrunner run \(manifest) --out \(folderPath) --resubmit-unknown --only \(job)' submits it without risk")
        }
        withExtendedLifetime(signals) {}
        return status
    }

    /// The model's price for this run. Under `--max-cost` only a published price will do; a token the API
    /// refuses, or an API that cannot be reached after a short retry, stops the run before anything is spent.
    private func livePrice(modelID: String, token: Token, base: String, needed: Bool, console: Console) async throws -> PriceList {
        switch await LivePrice.fetch(modelID: modelID, token: token, baseURL: base, tries: 2) {
        case .live(let prices):
            return prices
        case .refused(let error):
            throw CLIError.setup("the API refused the account (\(error.code): \(error.message)); check the token and the balance")
        case .unreachable(let url, let reason):
            throw CLIError.setup("the API cannot be reached at \(url) (\(reason)); check --base-url, RUNCOMFY_BASE_URL and any proxy; nothing was submitted")
        case .unavailable(let reason):
            if maxCost != nil, needed {
                throw CLIError.setup("--max-cost needs the model's price from the API, which is unavailable (\(reason)); a cap computed from the built-in estimate is not a cap")
            }
            console.err("note: the live price is unavailable (\(reason)); using the built-in estimate (USD \(PriceList.estimate.perSecond) per second)")
            return .estimate
        }
    }
}

/// The scheduler a signal handler interrupts, once there is one (before that, a signal ends the run at once).
final class Interruption: Sendable {
    private let current = Mutex<BatchScheduler<ContinuousClock>?>(nil)

    var scheduler: BatchScheduler<ContinuousClock>? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
