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

    func run() async throws {
        let console = Console()
        let plan: Manifest
        do {
            plan = try ManifestReader().read(path: manifest)
        } catch {
            console.err(DiagnosticRenderer.render(error.diagnostics, path: manifest))
            throw CLIError.invalidManifests(count: 1)
        }
        if !plan.warnings.isEmpty { console.err(DiagnosticRenderer.render(plan.warnings, path: manifest)) }
        let environment = ProcessInfo.processInfo.environment
        let prices = await LivePrice.lookup(
            modelID: plan.schema.modelID,
            token: try Credentials.token(file: tokenFile, environment: environment),
            baseURL: Credentials.baseURL(option: baseURL, environment: environment),
            console: console
        )
        var shown = plan
        if let shard = try sharding.resolve(environment: environment) {
            shown = shown.filtered { shard.contains($0.id) }
        }
        if let out {
            let folder = RunFolderPaths.absolute(out)
            let events = FileManager.default.fileExists(atPath: folder + "/ledger.jsonl") ? ((try? Ledger.readEvents(folder: folder)) ?? []) : []
            let remaining = ResumePlanner().plan(shown.jobs, fold: LedgerFold(events), prices: prices) { FileManager.default.fileExists(atPath: folder + "/" + $0) }
            let submitting = Set(remaining.runs.filter { if case .submit = $0.start { true } else { false } }.map(\.id))
            shown = shown.filtered { submitting.contains($0.id) }
            if !json {
                console.err("\(out): \(remaining.settled.count) jobs need nothing, \(remaining.runs.count - submitting.count) would be polled or downloaded, \(submitting.count) submitted")
            }
        }
        console.out(json ? PlanReport.json(shown, prices: prices).pretty : PlanReport.table(shown, prices: prices))
    }
}

/// The plan as a table for people and as the JSON document the design specifies.
enum PlanReport {
    static func json(_ manifest: Manifest, prices: PriceList) -> JSONValue {
        var totalCost = 0.0
        let jobs: [JSONValue] = manifest.jobs.map { job in
            let cost = prices.cost(of: job.body)
            totalCost += cost
            return .object([
                ("id", .string(job.id)),
                ("key", .string(job.key.description)),
                ("duration", .int(job.body.duration)),
                ("sound", .bool(job.body.sound)),
                ("shot_type", job.body["shot_type"].string.map(JSONValue.string) ?? .null),
                ("segments", .array(job.body.segments.map { .object([("prompt", .string($0.prompt)), ("duration", .int($0.duration))]) })),
                ("estimated_cost", .number(PriceList.rounded(cost))),
                ("body", job.body.json(images: .fileURL)),
            ])
        }
        return .object([
            ("manifest", .string(manifest.path)),
            ("jobs", .array(jobs)),
            ("totals", .object([
                ("jobs", .int(manifest.jobs.count)),
                ("seconds", .int(manifest.totalSeconds)),
                ("estimated_cost", .number(PriceList.rounded(totalCost))),
            ])),
            ("price", .object([
                ("per_second", .number(prices.perSecond)),
                ("sound_factor", .number(prices.soundFactor)),
                ("source", .string(prices.source.rawValue)),
            ])),
        ])
    }

    static func table(_ manifest: Manifest, prices: PriceList) -> String {
        let idWidth = max(3, manifest.jobs.map(\.id.count).max() ?? 0)
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let space = String(repeating: " ", count: max(0, width - text.count))
            return right ? space + text : text + space
        }
        var lines = [pad("JOB", idWidth) + "  " + pad("SECONDS", 7, right: true) + "  SOUND  " + pad("SEGMENTS", 8, right: true) + "  " + pad("EST. COST", 10, right: true)]
        var total = 0.0
        for job in manifest.jobs {
            let cost = prices.cost(of: job.body)
            total += cost
            let segments = job.body.segments.count
            lines.append(
                pad(job.id, idWidth) + "  " + pad(String(job.body.duration), 7, right: true) + "  " + pad(job.body.sound ? "yes" : "no", 5)
                    + "  " + pad(segments == 0 ? "-" : String(segments), 8, right: true) + "  " + pad(usd(cost), 10, right: true)
            )
        }
        let label = prices.source == .estimate
            ? "built-in estimate: $\(prices.perSecond)/s, sound +\(Int(((prices.soundFactor - 1) * 100).rounded()))%; not the live price"
            : "live price from the API: $\(prices.perSecond)/s"
        lines.append("")
        lines.append("\(DiagnosticRenderer.plural(manifest.jobs.count, "job")), \(manifest.totalSeconds) s of video, estimated \(usd(total)) (\(label))")
        return lines.joined(separator: "\n")
    }

    /// `$1.2345`.
    static func usd(_ amount: Double) -> String {
        let cents = Int((amount * 10_000).rounded())
        let fraction = String(cents % 10_000)
        return "$\(cents / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}
