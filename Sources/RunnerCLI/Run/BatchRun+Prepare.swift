import APISimulator
import Crypto
import Foundation
import JSON
import JobManifest
import MediaTools
import ModelAPI
import ModelCatalog
import ProcessSignals
import ResultsLedger
import Scheduling

extension BatchRun {
    /// Where the run renders: the API, or the simulator started in-process.
    struct Target {
        var simulator: RunningSimulator?
        var token: Token
        /// The base URL the folder records (the simulator's first one, for a simulated folder).
        var base: String
        /// The base URL calls go to.
        var effectiveBase: String
        /// The proxies calls go through (none for the simulator, which is on this machine).
        var proxies: ProxySettings
    }

    /// Everything `confirm` and `execute` need, made before anything is spent.
    struct Prepared {
        let scope: Scope
        let target: Target
        var plan: ResumePlanner.Plan
        /// Jobs that wait on others' outputs, those blocked by a failed source, and every job's key.
        var graph: ResumePlanner.GraphPlan
        let planner: ResumePlanner
        let prices: PriceList
        /// ffmpeg for `frame:` references (nil when none is needed).
        let frames: (any FrameExtracting)?
        let interruption: Interruption
        let signals: SignalWatcher
        /// The opening line, made again only if the folder has to be rebuilt (at 100,000 jobs it is tens of MB).
        let runStarted: @Sendable () -> LedgerEvent
    }

    /// Prepare, in named steps: plan what is left to do, find the tools it needs, watch for signals, price it, then
    /// open the run on record. Nothing is spent before the confirmation that follows.
    func prepare(_ scope: Scope, target: Target, fold: LedgerFold, ledger: any LedgerStore, ending: RunEnding, opens: Bool = true) async throws -> Prepared {
        var work = try planWork(scope, fold: fold)
        let frames = try frameTool(for: work.graph)
        // Signals from here on: before the scheduler exists (the price call, the prompt) one ends the run on record.
        let interruption = Interruption()
        let signals = RunSignals.watch(
            interruption: interruption, ending: ending, folderPath: scope.folderPath, console: console, notifying: !(notifier?.targets.urls.isEmpty ?? true)
        )
        let prices = try await price(&work.graph, target: target)
        let opening = Opening(scope: scope, fold: fold, target: target, work: work, prices: prices, request: request)
        let prepared = Prepared(
            scope: scope, target: target, plan: work.graph.plan, graph: work.graph, planner: work.planner, prices: prices, frames: frames,
            interruption: interruption, signals: signals, runStarted: opening.runStarted
        )
        // A signal during the price call: its end is on record (or being written); nothing may follow it.
        guard !interruption.signalled, opens else { return prepared }
        try await open(opening, ledger: ledger)
        return prepared
    }

    /// What is left to do, planned from the folder's fold: each job's start, the dependents that wait and those
    /// blocked. Also where a run must stop before anything is spent: a catalogue change, no terminal to ask.
    struct Work {
        let planner: ResumePlanner
        var graph: ResumePlanner.GraphPlan
        /// The dependents the fold says wait (put on record even when this run cannot build them).
        let waitingOnRecord: [ResumePlanner.WaitingJob]
    }

    /// Step 1, plan: what is left to do.
    /// `asked`: apply `--retry-failed` and `--resubmit-unknown` (a shared batch's later rounds do not: they would
    /// send again, every round, what failed or went unanswered meanwhile).
    func planWork(_ scope: Scope, fold: LedgerFold, asked: Bool = true) throws -> Work {
        let planner = ResumePlanner(
            retryFailed: asked && request.retryFailed, resubmitUnknown: asked && request.resubmitUnknown, downloads: request.downloads
        )
        // `--only`'s jobs (without it, every job of the shard: no set of 100,000 ids is made).
        let selected = request.only == nil ? nil : Set(scope.jobs.map(\.id))
        let probe = RunFolderPaths.FileProbe(folder: scope.folderPath)
        var graph = planner.plan(graph: scope.shardJobs, selected: selected.map { set in { set.contains($0.id) } }, fold: fold, prices: .estimate) { file in
            probe.exists(file)
        }
        // Over the shard's every job, not only `--only`'s: this run records the new digests for all of them; over
        // dependents too, by the keys their sources give them.
        if !request.acceptCatalogChange { try Self.checkCatalogChange(graph.jobs, fold: fold) }
        // Without downloads no dependent can be built: they stay waiting for a run that downloads their sources.
        let waitingOnRecord = graph.waiting
        if !request.downloads { graph.waiting = [] }
        if graph.submits > 0, !request.simulate, !request.yes, !console.isTerminal {
            throw CLIError.usage("this run would submit \(graph.submits) jobs; with no terminal to ask, pass --yes")
        }
        return Work(planner: planner, graph: graph, waitingOnRecord: waitingOnRecord)
    }

    /// Step 2, tools: ffmpeg when a job takes a frame of a clip; without it, stop before anything is spent.
    func frameTool(for graph: ResumePlanner.GraphPlan) throws -> (any FrameExtracting)? {
        let needsFrames = graph.waiting.contains { $0.job.body.allReferences.contains { $0.frame != nil } }
            || graph.plan.runs.contains { run in
                guard case .submit = run.start, let body = run.body else { return false }
                return body.allReferences.contains { $0.frame != nil }
            }
        guard needsFrames else { return nil }
        guard let ffmpeg = FFmpeg.locate(environment: environment) else {
            throw CLIError.setup("this run takes frames of clips ('frame:' references) and ffmpeg is not installed: install the Debian package 'ffmpeg' (apt-get install ffmpeg); nothing was submitted")
        }
        return FFmpegFrames(ffmpeg: ffmpeg)
    }

    /// The bodies the run may submit or wait on, and their models, each once.
    static func workBodies(_ graph: ResumePlanner.GraphPlan) -> [RequestBody] {
        graph.plan.runs.compactMap(\.body) + graph.waiting.map(\.job.body)
    }

    /// Step 3, price: one price per model of the jobs left (not one per job), asked of the API before anything is
    /// spent; it feeds the prompt, the estimates and the cap. `--max-cost` needs every job's cost.
    func price(_ graph: inout ResumePlanner.GraphPlan, target: Target) async throws -> PriceList {
        var prices = PriceList.estimate
        let models = Self.models(of: Self.workBodies(graph))
        guard !graph.plan.runs.isEmpty || !graph.waiting.isEmpty else { return prices }
        prices.models = try await LivePrice.lookUp(
            models, token: target.token, baseURL: target.effectiveBase, proxies: target.proxies, console: console, strict: graph.submits > 0,
            deadline: graph.submits > 0 ? .seconds(30) : .seconds(5)
        )
        if request.maxCost != nil {
            // A cap is only as good as every estimate under it: a job of unknown cost (no price, or no known
            // length) would pass it as 0.
            let submitting = graph.plan.runs.filter { if case .submit = $0.start { true } else { false } }.compactMap(\.body) + graph.waiting.map(\.job.body)
            if let unpriced = submitting.first(where: { !prices.price(for: $0.schema).source.isPublished || prices.estimate(of: $0) == nil }) {
                throw CLIError.setup(
                    "--max-cost needs every job's cost, and \(unpriced.schema.modelID) has no price from the API or the catalogue, or no known clip length; a cap that counts a job as 0 is not a cap"
                )
            }
        }
        Self.apply(prices, to: &graph)
        return prices
    }

    /// Each planned run's and waiting job's estimate from the prices.
    static func apply(_ prices: PriceList, to graph: inout ResumePlanner.GraphPlan) {
        graph.plan.runs = graph.plan.runs.map { run in
            var run = run
            if let body = run.body {
                run.estimatedCost = prices.cost(of: body)
                run.costIsKnown = prices.estimate(of: body) != nil
            }
            return run
        }
        for index in graph.waiting.indices { graph.waiting[index].estimatedCost = prices.cost(of: graph.waiting[index].job.body) }
    }

    /// Step 4, open: on record, first the intents of an earlier run that had no answer (they may have been
    /// accepted), then `run_started`, the waiting and blocked dependents, and the prices.
    func open(_ opening: Opening, ledger: any LedgerStore) async throws {
        do {
            for (id, key) in opening.unanswered {
                try await ledger.append([.unknownOutcome(
                    job: id, key: key, code: "no_answer_recorded",
                    message: "a submit was sent and no answer recorded (the run stopped); check RunComfy's Generations page, then adopt or --resubmit-unknown",
                    time: Timestamp.now()
                )], releasing: 0)
            }
            try await ledger.append(opening.lines(), releasing: 0)
        } catch {
            throw CLIError.ledger(error)
        }
    }

    /// The models of some bodies, each once, in order of first use.
    static func models(of bodies: [RequestBody]) -> [ModelSchema] {
        var models: [ModelSchema] = []
        for body in bodies where !models.contains(where: { $0 === body.schema }) { models.append(body.schema) }
        return models
    }

    /// The design's "Keys" rule: a catalogue whose schema for a model changed since the folder's last run may have
    /// changed the defaults, and so the keys, of jobs already completed; rendering them again would be paid for
    /// quietly. Such jobs are listed and the run stops (exit 2) unless `--accept-catalog-change`.
    static func checkCatalogChange(_ jobs: [Job], fold: LedgerFold) throws {
        var affected: [String] = []
        var models: [String] = []
        for job in jobs {
            let schema = job.body.schema
            guard let recorded = fold.modelDigests[schema.modelID], recorded != schema.schemaDigest else { continue }
            // A render under the old key (completed, rendered, in flight, or perhaps started): paid for, and the
            // new key would pay again.
            guard !job.isWaiting, fold.record(job.id, key: job.keyText).state == .pending,
                fold.otherRecords(job.id, except: job.keyText).contains(where: { $0.requestID != nil || $0.state == .unknownOutcome })
            else { continue }
            affected.append(job.id)
            if !models.contains(schema.modelID) { models.append(schema.modelID) }
        }
        guard !affected.isEmpty else { return }
        let shown = affected.count <= 10 ? affected.joined(separator: ", ") : affected.prefix(10).joined(separator: ", ") + " and \(affected.count - 10) more"
        throw CLIError.usage(
            "the catalogue's schema of \(models.joined(separator: ", ")) changed since this folder's last run, and \(affected.count) "
                + "job\(affected.count == 1 ? "" : "s") already rendered would render again with new defaults: \(shown). Pass --accept-catalog-change to pay for "
                + "them again, or run with the catalogue the folder was rendered with (--catalog FILE)"
        )
    }

    /// Confirm: on a terminal, what the run will spend, and the user's yes (not asked with `--yes` or `--simulate`).
    func confirm(_ prepared: Prepared) -> Bool {
        let plan = prepared.plan
        let waiting = prepared.graph.waiting
        guard prepared.graph.submits > 0, !request.simulate, !request.yes else { return true }
        let submits = plan.runs.filter { if case .submit = $0.start { true } else { false } } + waiting.map {
            PlannedRun(id: $0.job.id, key: $0.job.keyText, start: .submit(previousAttempts: 0), body: $0.job.body, estimatedCost: $0.estimatedCost, fileBase: $0.job.id)
        }
        let count = prepared.graph.submits
        let after = waiting.isEmpty ? "" : " (\(waiting.count) of them after the jobs whose outputs they take)"
        // What the prompt shows is the estimate (sound of an unpublished price left out, as a note says), not
        // what the cap counts.
        func estimate(_ run: PlannedRun) -> Double { run.body.flatMap(prepared.prices.estimate(of:)) ?? 0 }
        let submitCost = submits.reduce(0) { $0 + estimate($1) }
        if let note = PlanReport.soundNote(submits.compactMap(\.body), prices: prepared.prices) { console.out(note) }
        func label(_ source: ModelPrice.Source) -> String {
            switch source {
            case .api: "live price"
            case .snapshot: "published price"
            case .estimate: "built-in estimate"
            case .unknown: "cost unknown, not in the estimate"
            }
        }
        // Several models: what each will cost, then the question.
        let models = Self.models(of: submits.compactMap(\.body))
        if PlanReport.showsModels(models) {
            for model in models {
                let jobs = submits.filter { $0.body?.schema === model }
                let cost = jobs.reduce(0) { $0 + estimate($1) }
                console.out("  \(DiagnosticRenderer.plural(jobs.count, "job")) of \(model.modelID): \(PlanReport.usd(cost)) (\(label(prepared.prices.price(for: model).source)))")
            }
            console.out("Submit \(count) jobs\(after), estimated \(PlanReport.usd(submitCost))? [y/N] ")
        } else {
            console.out("Submit \(count) jobs\(after), estimated \(PlanReport.usd(submitCost)) (\(label(prepared.prices.seed.source)))? [y/N] ")
        }
        guard let answer = console.readLine()?.lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    /// The simulator or the API, and the folder's base URL checked against the one it was made with.
    func target(fold: LedgerFold, folderPath: String) async throws -> Target {
        if request.simulate {
            if let recorded = fold.baseURL, !recorded.hasPrefix("http://127.0.0.1") {
                throw CLIError.usage("the run folder \(folderPath) was made against \(recorded), not the simulator; use another --out")
            }
            var options = SimulatorOptions()
            options.clockScale = 0.002
            options.renderSeconds = 20...90
            // With ffmpeg, clips of each shot's length from its own frames: `assemble` then gives a timed animatic.
            options.timedClips = true
            // The simulator serves the catalogue this run reads (--catalog, else the cache): every model a shot may
            // use is one it knows.
            let cache = Catalog.cachePath(environment: environment)
            if let file = request.catalogFile ?? (FileManager.default.fileExists(atPath: cache) ? cache : nil) {
                options.catalog = try SimulateCommand.entries(file)
            }
            let simulator: RunningSimulator
            do {
                simulator = try await SimulatorServer.start(options)
            } catch {
                throw CLIError.setup("--simulate: the simulator cannot listen on loopback: \(error)")
            }
            return Target(
                simulator: simulator, token: Token("simulated"), base: fold.baseURL ?? simulator.baseURL, effectiveBase: simulator.baseURL, proxies: .direct
            )
        }
        guard let token = try Credentials.token(file: request.tokenFile, environment: environment) else {
            throw CLIError.setup("no API token: set RUNCOMFY_API_TOKEN (or use --token-file FILE, or --simulate to try without an account)")
        }
        let base = Credentials.baseURL(option: request.baseURL, environment: environment)
        if let recorded = fold.baseURL, recorded != base {
            throw CLIError.usage("the run folder \(folderPath) was made against \(recorded), not \(base); use another --out")
        }
        let (proxies, problems) = ProxySettings.from(environment: environment)
        for problem in problems { console.err("warning: \(problem)") }
        if request.verbose { console.err("proxy: \(proxies)") }
        return Target(simulator: nil, token: token, base: base, effectiveBase: base, proxies: proxies)
    }
}
