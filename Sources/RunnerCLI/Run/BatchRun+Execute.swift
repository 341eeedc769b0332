import Foundation
import JobManifest
import ProcessSignals
import ModelAPI
import ResultsLedger
import Scheduling

extension BatchRun {
    /// Execute: the scheduler over the plan, its events on the progress display.
    func execute(_ prepared: Prepared, ledger: any LedgerStore) async -> BatchResult {
        var options = BatchOptions()
        options.concurrency = request.concurrency
        options.maxCost = request.maxCost
        options.jobTimeout = request.jobTimeout
        options.downloads = request.downloads
        options.halt = request.halt
        options.waitForApproval = request.waitForApproval
        options.jobIDs = Set(prepared.scope.manifest.jobs.map { $0.id.lowercased() })
        options.pollMinimum = request.pollMinimum
        options.pollMaximum = max(options.pollMinimum, .seconds(30))
        if request.simulate {
            options.pollMinimum = .milliseconds(20)
            options.pollMaximum = .milliseconds(200)
            options.policy.backoff = Backoff(base: .milliseconds(50), cap: .seconds(1))
        }
        let transport = AsyncHTTPTransport(proxies: prepared.target.proxies)
        let httpClient = HTTPModelAPIClient(configuration: .init(baseURL: prepared.target.effectiveBase), token: prepared.target.token, transport: transport)
        let client: any ModelAPIClient = request.verbose ? LoggingAPIClient(base: httpClient, logger: LoggingAPIClient.standardError()) : httpClient
        let plan = prepared.plan
        let printer = ProgressPrinter(
            mode: request.progress, console: console, total: plan.runs.count + plan.settled.count + prepared.graph.waiting.count, isTerminal: console.isTerminal
        )
        let (stream, continuation) = AsyncStream<SchedulerEvent>.makeStream()
        let scheduler = BatchScheduler(
            client: client, ledger: ledger, folder: prepared.scope.folderPath, modelID: prepared.scope.manifest.schema.modelID, options: options,
            clock: ContinuousClock(), now: Timestamp.now, events: continuation
        )
        prepared.interruption.scheduler = scheduler  // interrupted at once if a signal came before
        let runs = plan.runs
        let folder = prepared.scope.folderPath
        let graph = prepared.graph
        // Whenever jobs feed each other: a dependent ready from the start still has its inputs built at submit.
        let dependents = !prepared.scope.manifest.hasReferences ? nil : Self.dependentWork(prepared, folder: folder)
        let result = await withTaskGroup(of: BatchResult?.self) { group in
            group.addTask {
                for await event in stream { printer.handle(event) }
                return nil
            }
            group.addTask {
                let result = await scheduler.run(runs, dependents: dependents)
                continuation.finish()
                return result
            }
            var final = BatchResult()
            for await value in group { if let value { final = value } }
            return final
        }
        printer.finish()
        await transport.shutdown()
        return result
    }

    /// What the scheduler needs to bring dependents in: the waiting jobs, the keys, the planner, the gates.
    private static func dependentWork(_ prepared: Prepared, folder: String) -> DependentWork {
        var work = DependentWork(
            waiting: prepared.graph.waiting, keys: prepared.graph.keys, planner: prepared.planner, prices: prepared.prices,
            fileExists: { RunFolderPaths.exists($0, in: folder) }, frames: prepared.frames
        )
        work.gates = Set(prepared.scope.shardJobs.lazy.filter(\.approve).map(\.id))
        return work
    }

    /// Finish: the exit status from the outcome, the end on record, and what the user must be told (spend,
    /// local trouble, request ids the ledger could not keep).
    func finish(_ prepared: Prepared, result: BatchResult, ledger: any LedgerStore, ending: RunEnding) async -> Int32 {
        let scope = prepared.scope
        let folderPath = scope.folderPath
        let finalFold = await ledger.fold
        let summary = RunSummary(fold: finalFold, jobs: ending.jobs, folder: folderPath)
        // The exit status speaks of the jobs asked for (`--only` narrows them); the summary lists them all.
        let asked = request.only == nil ? summary : RunSummary(fold: finalFold, jobs: scope.jobs.map { ($0.id, $0.keyText) }, folder: folderPath)
        let outcome = RunOutcome(
            allCompleted: asked.allCompleted(downloads: request.downloads),
            pendingLeft: asked.counts[.pending, default: 0] + asked.counts[.waiting, default: 0],
            awaitingApproval: asked.counts[.awaitingApproval, default: 0],
            costCapReached: result.costCapReached,
            fatal: result.fatal != nil,
            localFailure: result.ledgerFailure != nil || result.localFailure != nil,
            interruptedBy: result.interrupted ? (prepared.signals.lastSignal == SIGTERM ? SIGTERM : SIGINT) : nil,
            halted: result.halted != nil
        )
        let status = outcome.exitStatus
        let reason = result.halted.map { "halted: \($0)" } ?? result.fatal.map { "stopped: \($0.code): \($0.message)" }
            ?? (result.costCapReached ? "stopped: --max-cost reached" : nil) ?? (result.interrupted ? "interrupted" : nil)
        await ending.write(status: status, reason: reason)
        let spend = ledger.spent
        console.err(summary.text(fatal: result.fatal, ledgerFailure: result.ledgerFailure, capReached: result.costCapReached, halted: result.halted))
        if let waiting = asked.counts[.awaitingApproval], waiting > 0 {
            console.err("\(waiting) job\(waiting == 1 ? "" : "s") wait for an approval: approve their sources ('shotrunner approve \(folderPath) JOB_ID', or in 'shotrunner review \(folderPath)'), then run again (or run with --wait-approval)")
        }
        console.err("spent: \(PlanReport.usd(spend.folder)) for the folder, \(PlanReport.usd(spend.latestRun)) of it in this run")
        if let advice = LocalFailureAdvice(result: result, summary: summary).text { console.err(advice) }
        if result.ledgerFailure?.isGone == true {
            // The folder went away with this run's ledger: the renders it paid for must not be paid for again.
            let runs = Dictionary(prepared.plan.runs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            if await FolderRecovery.rebuild(folder: folderPath, started: prepared.runStarted(), requests: result.requestIDs, runs: runs) {
                console.err("the run folder was removed while the run was going: made it again with a ledger of the \(result.requestIDs.count) renders this run started, so the next run polls and downloads them instead of paying again")
                return ExitStatus.localIO
            }
        }
        let lost = result.ledgerFailure?.isGone == true ? result.requestIDs : result.unrecordedRequestIDs
        for (job, requestID) in lost {
            console.err("IMPORTANT: \(job) was accepted as \(requestID) but the ledger could not record it; once the folder is writable run 'shotrunner adopt \(folderPath) \(job) \(requestID)'")
        }
        for job in result.unrecordedWithdrawals {
            console.err("note: \(job) was never sent (a stop came before its POST), but the ledger could not record that; the next run reports it unknown_outcome: 'shotrunner run \(request.manifest) --out \(folderPath) --resubmit-unknown --only \(job)' submits it without risk")
        }
        return status
    }
}
