import ArgumentParser
import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import Scheduling
import JSON

/// `shotrunner plan MANIFEST [--json]`
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the jobs a manifest makes, their seconds and estimated cost; submits nothing.",
        discussion: """
            With a token (RUNCOMFY_API_TOKEN, RUNCOMFY_TOKEN or --token-file), the price per second is asked of the \
            API (model info, 3 s to connect and 5 s to answer); without one, or when the API cannot be reached, it is shotrunner's \
            built-in estimate (USD 0.112 per second), labelled as such. Sound costs 25% more either way. \
            With --json, prints one document: {"manifest", "jobs": [{"id", "key", "duration", "sound", "shot_type", \
            "segments", "estimated_cost", "body"}], "totals": {"jobs", "seconds", "estimated_cost"}, "price": \
            {"per_second", "sound_factor", "source"}}; a local image appears in "body" as its file:// URL.
            """
    )

    @Argument(help: ArgumentHelp("The manifest to plan.", valueName: "manifest"))
    var manifest: String

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Option(name: .customLong("base-url"), help: "The API's base URL (default: RUNCOMFY_BASE_URL, else https://model-api.runcomfy.net).")
    var baseURL: String?

    @Option(name: .customLong("token-file"), help: "Read the API token from this file (mode 600) instead of RUNCOMFY_API_TOKEN.")
    var tokenFile: String?

    @Option(help: "A run folder: show only what a resume of it would still render (and its cost).")
    var out: String?

    @OptionGroup var sharding: ShardOptions

    @OptionGroup var catalog: CatalogOption

    func run() async throws {
        let console = Console()
        var plan: Manifest
        let reader = ManifestReader(models: try catalog.registry())
        do {
            plan = try reader.read(path: manifest)
        } catch {
            console.err(DiagnosticRenderer.render(error.diagnostics, path: manifest))
            throw CLIError.invalidManifests(count: 1)
        }
        if !plan.warnings.isEmpty { console.err(DiagnosticRenderer.render(plan.warnings, path: manifest)) }
        // The takes retakes asked for in the folder (the one given, else the one a run would use, simulated or not,
        // of this shard) join the plan.
        let shardFolder = try sharding.resolve(environment: ProcessInfo.processInfo.environment).map { "/" + $0.folderName } ?? ""
        let defaults = [false, true].map { RunFolderPaths.defaultFolder(manifest: manifest, simulated: $0) + shardFolder }
        let decisionsFolder = RunFolderPaths.absolute(
            out ?? defaults.first { FileManager.default.fileExists(atPath: DecisionLog.path(folder: $0)) } ?? defaults[0]
        )
        let added = (try? DecisionLog.decisions(folder: decisionsFolder).addedTakes) ?? [:]
        plan = plan.addingTakes(added)
        let addedIDs = added.flatMap { shot, takes in takes.map { "\(shot)~\($0)" } }.filter { id in plan.jobs.contains { $0.id == id } }
        if !addedIDs.isEmpty, !json { console.err("retakes asked for in \(decisionsFolder): \(addedIDs.sorted().joined(separator: ", "))") }
        let environment = ProcessInfo.processInfo.environment
        let token = try Credentials.token(file: tokenFile, environment: environment)
        let base = Credentials.baseURL(option: baseURL, environment: environment)
        // Every model's price (the seed's too) asked at once, under a deadline of a few seconds: an API that never
        // answers delays `plan` by that, not by a timeout per model.
        var prices = PriceList.estimate
        prices.models = await LivePrice.lookUpIfAsked(plan.models, token: token, baseURL: base, console: console)
        var shown = plan
        if let shard = try sharding.resolve(environment: environment) {
            let kept = Set(plan.jobs(in: shard).map(\.id))
            shown = shown.filtered { kept.contains($0.id) }
        }
        if let out {
            let folder = RunFolderPaths.absolute(out)
            let fold = FileManager.default.fileExists(atPath: folder + "/ledger.jsonl") ? ((try? Ledger.fold(folder: folder)) ?? LedgerFold()) : LedgerFold()
            let graph = ResumePlanner().plan(graph: shown.jobs, fold: fold, prices: prices) { RunFolderPaths.exists($0, in: folder) }
            let remaining = graph.plan
            let submitting = Set(remaining.runs.filter { if case .submit = $0.start { true } else { false } }.map(\.id) + graph.waiting.map(\.job.id))
            // Dependents whose sources are on disk show their real keys; the rest wait on what renders first.
            shown = shown.replacingJobs(graph.jobs).filtered { submitting.contains($0.id) }
            if !json {
                var line = "\(out): \(remaining.settled.count) jobs need nothing, \(remaining.runs.filter { $0.body != nil }.count - remaining.submits) would be polled or downloaded, \(submitting.count) submitted"
                if !graph.waiting.isEmpty { line += " (\(graph.waiting.count) of them after the jobs they take outputs from)" }
                let gates = Set(shown.jobs.lazy.filter(\.approve).map(\.id))
                let held = graph.waiting.filter { $0.waitingOn.contains(where: gates.contains) }
                if !held.isEmpty {
                    let sources = Set(held.flatMap(\.waitingOn).filter(gates.contains)).sorted()
                    line += "; \(held.count) wait for an approval of \(sources.joined(separator: ", ")) (approve: true)"
                }
                if !graph.blocked.isEmpty { line += "; \(graph.blocked.count) blocked by a source that did not complete: \(graph.blocked.map { "\($0.job.id) (\($0.source) \($0.sourceState))" }.joined(separator: ", "))" }
                console.err(line)
            }
        }
        shown = shown.inDependencyOrder()
        console.out(json ? PlanReport.json(shown, prices: prices).pretty : PlanReport.table(shown, prices: prices))
    }
}

