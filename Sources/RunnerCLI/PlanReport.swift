import ModelCatalog
import JSON
import JobManifest

/// The plan as a table for people and as the JSON document the design specifies. The seed's price is `prices`
/// (live or the built-in estimate); every other model's is its published price, else unknown.
enum PlanReport {
    /// One job's estimate: USD (nil when unknown) and whether it is an upper bound.
    static func estimate(_ job: Job, prices: PriceList) -> ModelPrice.Estimate? {
        prices.price(for: job.body.schema).cost(of: job.body)
    }

    static func json(_ manifest: Manifest, prices: PriceList) -> JSONValue {
        var totalCost = 0.0
        var unknown = 0
        let jobs: [JSONValue] = manifest.jobs.map { job in
            let body = job.body
            let schema = body.schema
            let price = prices.price(for: schema)
            let estimate = price.cost(of: body)
            if let estimate { totalCost += estimate.usd } else { unknown += 1 }
            let seconds = body.seconds
            let duration: JSONValue = price.unit == .output ? .null : seconds.map { .number($0.value) } ?? .null
            let soundField = schema.soundField ?? (schema.field("sound") != nil ? "sound" : nil)
            return .object([
                ("id", .string(job.id)),
                ("key", .string(job.keyText)),
                ("model", .string(schema.modelID)),
                ("price_unit", .string(price.unit.rawValue)),
                ("outputs", .int(body.outputs)),
                ("outputs_is_bound", .bool(body.outputsIsBound)),
                ("after", .array(job.sources.map(JSONValue.string))),
                ("duration", duration),
                ("duration_is_bound", .bool(price.unit == .second && (seconds?.isBound ?? false))),
                ("sound", soundField.map { .bool(body[$0].boolean ?? false) } ?? .null),
                ("shot_type", schema.field("shot_type") == nil ? .null : body["shot_type"].string.map(JSONValue.string) ?? .null),
                ("segments", .array(body.segments.map { .object([("prompt", .string($0.prompt)), ("duration", .int($0.duration))]) })),
                ("estimated_cost", estimate.map { .number(PriceList.rounded($0.usd)) } ?? .null),
                ("body", body.json(images: .fileURL)),
            ])
        }
        let models = manifest.models.filter { model in manifest.jobs.contains { $0.body.schema === model } }
        return .object([
            ("manifest", .string(manifest.path)),
            ("jobs", .array(jobs)),
            ("totals", .object([
                ("jobs", .int(manifest.jobs.count)),
                ("seconds", .int(manifest.totalSeconds)),
                ("estimated_cost", .number(PriceList.rounded(totalCost))),
                ("unknown_cost_jobs", .int(unknown)),
            ])),
            ("price", .object([
                ("per_second", .number(prices.seed.basePriceUSD ?? PriceList.builtInEstimate.basePriceUSD ?? 0)),
                ("sound_factor", .number(prices.seed.factor)),
                ("source", .string(prices.seed.source.rawValue)),
            ])),
            ("prices", .object(models.map { model in
                let price = prices.price(for: model)
                return (model.modelID, .object([
                    ("base_price_usd", price.basePriceUSD.map { .number($0) } ?? .null),
                    ("price_unit", .string(price.unit.rawValue)),
                    ("factor", .number(price.factor)),
                    ("sound_factor_known", .bool(price.soundFactorKnown)),
                    ("source", .string(price.source.rawValue)),
                ]))
            })),
        ])
    }

    static func table(_ manifest: Manifest, prices: PriceList) -> String {
        let idWidth = max(3, manifest.jobs.map(\.id.count).max() ?? 0)
        let models = manifest.models.filter { model in manifest.jobs.contains { $0.body.schema === model } }
        let showsModel = showsModels(models)
        let modelWidth = max(5, models.map(\.modelID.count).max() ?? 0)
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let space = String(repeating: " ", count: max(0, width - text.count))
            return right ? space + text : text + space
        }
        var header = pad("JOB", idWidth) + "  "
        if showsModel { header += pad("MODEL", modelWidth) + "  " }
        var lines = [header + pad("SECONDS", 7, right: true) + "  SOUND  " + pad("SEGMENTS", 8, right: true) + "  " + pad("EST. COST", 10, right: true)]
        var total = 0.0
        var unknown = 0
        var bound = false
        for job in manifest.jobs {
            let body = job.body
            let estimate = estimate(job, prices: prices)
            if let estimate { total += estimate.usd } else { unknown += 1 }
            bound = bound || (estimate?.isBound ?? false)
            let segments = body.segments.count
            let seconds = body.seconds.map { ($0.isBound ? "≤" : "") + JSONValue.format($0.value) } ?? "-"
            let cost = estimate.map { ($0.isBound ? "≤" : "") + usd($0.usd) } ?? "unknown"
            var line = pad(job.id, idWidth) + "  "
            if showsModel { line += pad(body.schema.modelID, modelWidth) + "  " }
            line += pad(body.schema.outputKind == .image ? "-" : seconds, 7, right: true) + "  " + pad(body.schema.soundField == nil ? "-" : body.sound ? "yes" : "no", 5)
                + "  " + pad(segments == 0 ? "-" : String(segments), 8, right: true) + "  " + pad(cost, 10, right: true)
            if !job.sources.isEmpty { line += "  after " + job.sources.joined(separator: ", ") + (job.isWaiting ? "" : " (\(job.key.short))") }
            lines.append(line)
        }
        lines.append("")
        for model in models {
            lines.append(priceLine(model, prices: prices))
        }
        var summary = "\(DiagnosticRenderer.plural(manifest.jobs.count, "job")), \(manifest.seconds.description), estimated \(bound ? "at most " : "")\(usd(total))"
        if unknown > 0 { summary += " plus \(DiagnosticRenderer.plural(unknown, "job")) of unknown cost" }
        if models.count == 1, models[0].isBuiltIn {
            // The seed alone: the one price line says where the price comes from.
            lines.removeLast()
            summary += " (\(seedLabel(prices)))"
        }
        lines.append(summary)
        if let note = soundNote(manifest.jobs.map(\.body), prices: prices) { lines.append(note) }
        return lines.joined(separator: "\n")
    }

    /// One note for every model whose jobs have sound on but whose sound price nothing publishes: their estimates
    /// leave sound out, and a cap counts it at the largest published factor. Nil when there are none.
    static func soundNote(_ bodies: [RequestBody], prices: PriceList) -> String? {
        var models: [String] = []
        for body in bodies where body.sound && !models.contains(body.schema.modelID) {
            let price = prices.price(for: body.schema)
            if !price.soundFactorKnown, price.basePriceUSD != nil { models.append(body.schema.modelID) }
        }
        guard !models.isEmpty else { return nil }
        let named = models.count <= 4 ? models.joined(separator: ", ") : models.prefix(3).joined(separator: ", ") + " and \(models.count - 3) more"
        let cap = JSONValue.format(PriceList.rounded(ModelRules.largestPublishedSoundFactor))
        return "note: what sound adds to the price of \(models.count == 1 ? "" : "\(models.count) models, ")\(named), is not published: "
            + "\(models.count == 1 ? "its" : "their") estimates leave sound out, and --max-cost counts sound at x\(cap) (the largest published factor)"
    }

    /// Whether a plan's lines (and the spend prompt) name each job's model: not for the seed model alone, whose
    /// plans read as they always did.
    static func showsModels(_ models: [ModelSchema]) -> Bool {
        models.count > 1 || models.contains { !$0.isBuiltIn }
    }

    private static func seedLabel(_ prices: PriceList) -> String {
        let seed = prices.seed
        let perSecond = seed.basePriceUSD ?? 0
        return seed.source == .estimate
            ? "built-in estimate: $\(perSecond)/s, sound +\(Int(((seed.factor - 1) * 100).rounded()))%; not the live price"
            : "live price from the API: $\(perSecond)/s"
    }

    /// `price of MODEL: $0.084/s (snapshot), sound x1.5`.
    private static func priceLine(_ model: ModelSchema, prices: PriceList) -> String {
        if model.isBuiltIn { return "price of \(model.modelID): \(seedLabel(prices))" }
        let price = prices.price(for: model)
        let unit = price.unit == .second ? "s" : "output"
        guard let base = price.basePriceUSD else { return "price of \(model.modelID): unknown (per \(unit == "s" ? "second" : "output")); its jobs are not in the estimate" }
        let factor = !price.soundFactorKnown ? ", sound not priced" : price.factor == 1 ? "" : ", sound x\(JSONValue.format(PriceList.rounded(price.factor)))"
        return "price of \(model.modelID): $\(JSONValue.format(base))/\(unit)\(factor) (\(price.source == .snapshot ? "published price from the catalogue" : price.source.rawValue))"
    }

    /// `$1.2345`.
    static func usd(_ amount: Double) -> String {
        guard amount.isFinite, abs(amount) < 1e12 else { return "$?" }
        if amount < 0 { return "-" + usd(-amount) }
        let cents = Int((amount * 10_000).rounded())
        let fraction = String(cents % 10_000)
        return "$\(cents / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}
