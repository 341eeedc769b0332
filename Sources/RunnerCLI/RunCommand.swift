import APISimulator
import ArgumentParser
import Crypto
import Dispatch
import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import Scheduling

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
            ledger = try Ledger(folder: folderPath, repair: repairLedger, afterDurable: FaultHook.fromEnvironment(environment, folder: folderPath))
        } catch {
            throw CLIError.ledger(error)
        }
        for note in ledger.repairs { console.err("note: \(note)") }
        let fold = ledger.initialFold

        // Where to render: the simulator in-process, or the API.
        var simulator: RunningSimulator?
        let token: Token
        let base: String
        if simulate {
            var options = SimulatorOptions()
            options.clockScale = 0.002
            options.renderSeconds = 20...90
            simulator = try await SimulatorServer.start(options)
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

        let prices = PriceList.estimate
        let planner = ResumePlanner(retryFailed: retryFailed, resubmitUnknown: resubmitUnknown, downloads: !noDownload)
        let plan = planner.plan(jobs, fold: fold, prices: prices) { file in FileManager.default.fileExists(atPath: folderPath + "/" + file) }

        // An intent with no answer from an earlier run: it may have been accepted. Say so in the ledger first.
        do {
            for (id, key) in plan.unanswered {
                try await ledger.append(LedgerEvent(.unknownOutcome, job: id, time: Timestamp.now(), [
                    ("key", .string(key)), ("code", .string("no_answer_recorded")),
                    ("message", .string("a submit was sent and no answer recorded (the run stopped); check RunComfy's Generations page, then adopt or --resubmit-unknown")),
                ]))
            }
        } catch {
            throw CLIError.ledger(error)
        }

        // Spend confirmation.
        let submitCost = plan.runs.filter { if case .submit = $0.start { true } else { false } }.reduce(0) { $0 + $1.estimatedCost }
        if plan.submits > 0, !simulate, !yes {
            guard console.isTerminal else {
                throw CLIError.usage("this run would submit \(plan.submits) jobs (estimated \(PlanReport.usd(submitCost))); with no terminal to ask, pass --yes")
            }
            console.out("Submit \(plan.submits) jobs, estimated \(PlanReport.usd(submitCost)) (\(prices.source == .estimate ? "built-in estimate" : "live price"))? [y/N] ")
            guard let answer = console.readLine()?.lowercased(), answer == "y" || answer == "yes" else {
                console.err("nothing submitted")
                return
            }
        }

        // The run begins.
        let manifestSHA = (try? Data(contentsOf: URL(fileURLWithPath: manifest))).map { SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined() } ?? ""
        // Made again only if the folder has to be rebuilt: at 100,000 jobs the event is tens of MB as a tree.
        let startedAt = Timestamp.now()
        let baseForLedger = simulate ? (fold.baseURL ?? effectiveBase) : base
        func runStarted() -> LedgerEvent {
            let jobList: [JSONValue] = manifestValue.jobs.filter { shard?.contains($0.id) ?? true }.map { job in
                .object([
                    ("id", .string(job.id)), ("key", .string(job.key.description)), ("duration", .int(job.body.duration)),
                    ("sound", .bool(job.body.sound)), ("estimated_cost", .number(PriceList.rounded(prices.cost(of: job.body)))),
                ])
            }
            return LedgerEvent(.runStarted, time: startedAt, [
                ("base_url", .string(baseForLedger)),
                ("manifest", .string(RunFolderPaths.absolute(manifest))), ("manifest_sha256", .string(manifestSHA)), ("jobs", .array(jobList)),
            ])
        }
        do {
            try await ledger.append(runStarted())
        } catch {
            throw CLIError.ledger(error)
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
            client: client, ledger: ledger, folder: folderPath, modelID: manifestValue.schema.modelID, options: options,
            clock: ContinuousClock(), alreadySpent: fold.spent, now: Timestamp.now, events: continuation
        )
        let signals = SignalWatcher { signal, count in
            if count >= 2 {
                console.err("\ninterrupted again: abandoning what is on the wire (those jobs will be unknown_outcome)")
                for (job, requestID) in scheduler.arrived.unrecorded {
                    console.err("IMPORTANT: \(job) was accepted as \(requestID) just now; run 'shotrunner adopt \(folderPath) \(job) \(requestID)'")
                }
                Foundation.exit(signal == SIGTERM ? 143 : 130)
            }
            console.err("\ninterrupted: letting submits on the wire finish; run again to resume (interrupt again to abandon them)")
            Task { await scheduler.interrupt() }
        }
        let result = await withTaskGroup(of: BatchResult?.self) { group in
            group.addTask {
                for await event in stream { printer.handle(event) }
                return nil
            }
            group.addTask {
                let result = await scheduler.run(plan.runs)
                continuation.finish()
                return result
            }
            var final = BatchResult()
            for await value in group { if let value { final = value } }
            return final
        }
        printer.finish()
        await transport.shutdown()

        // The end: fold again for the summary, record it, and exit as the design says.
        let finalFold = (try? Ledger.fold(folder: folderPath)) ?? LedgerFold()
        let summary = RunSummary(fold: finalFold, jobs: manifestValue.jobs.filter { shard?.contains($0.id) ?? true }.map { ($0.id, $0.key.description) }, folder: folderPath)
        // The exit status speaks of the jobs asked for (`--only` narrows them); the summary lists them all.
        let asked = only == nil ? summary : RunSummary(fold: finalFold, jobs: jobs.map { ($0.id, $0.key.description) }, folder: folderPath)
        var status = asked.allCompleted(downloads: !noDownload) ? ExitStatus.success : ExitStatus.jobsUnfinished
        if result.costCapReached, asked.counts[.pending, default: 0] > 0 { status = ExitStatus.costCapReached }
        if result.fatal != nil { status = ExitStatus.fatalSetup }
        if result.ledgerFailure != nil || result.localFailure != nil { status = ExitStatus.localIO }
        if result.interrupted { status = signals.lastSignal == SIGTERM ? 143 : 130 }
        _ = try? await ledger.append(LedgerEvent(.runFinished, time: Timestamp.now(), [
            ("counts", summary.countsJSON), ("exit_code", .int(Int(status))),
        ]))
        SummaryFile.write(BatchReport(folders: [(folderPath, finalFold)]), exitCode: status, to: folderPath + "/summary.json")
        console.err(summary.text(fatal: result.fatal, ledgerFailure: result.ledgerFailure, capReached: result.costCapReached))
        if let advice = LocalFailureAdvice(result: result, summary: summary).text { console.err(advice) }
        if result.ledgerFailure?.isGone == true {
            // The folder went away with this run's ledger: the renders it paid for must not be paid for again.
            let keys = Dictionary(plan.runs.map { ($0.id, $0.key) }, uniquingKeysWith: { first, _ in first })
            if await FolderRecovery.rebuild(folder: folderPath, started: runStarted(), requests: result.requestIDs, keys: keys) {
                console.err("the run folder was removed while the run was going: made it again with a ledger of the \(result.requestIDs.count) renders this run started, so the next run polls and downloads them instead of paying again")
                withExtendedLifetime(folder) {}
                withExtendedLifetime(signals) {}
                throw CLIError.exit(ExitStatus.localIO)
            }
        }
        let lost = result.ledgerFailure?.isGone == true ? result.requestIDs : result.unrecordedRequestIDs
        for (job, requestID) in lost {
            console.err("IMPORTANT: \(job) was accepted as \(requestID) but the ledger could not record it; once the folder is writable run 'shotrunner adopt \(folderPath) \(job) \(requestID)'")
        }
        withExtendedLifetime(folder) {}
        withExtendedLifetime(signals) {}
        if status != ExitStatus.success { throw CLIError.exit(status) }
    }
}
