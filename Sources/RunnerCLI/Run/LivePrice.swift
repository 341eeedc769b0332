import JSON
import JobManifest
import ModelAPI

/// Every model's price from the API's model record (`GET /v1/models/{id}`), or why there is none.
enum LivePrice {
    /// Another model's price from the API, per second or per output as its record says; nil (with the reason) when
    /// the API gives none. The sound factor is the model's own (its record's `pricing_note` first), else the table's.
    static func fetch(_ schema: ModelSchema, client: HTTPModelAPIClient) async -> (ModelPrice?, String?) {
        do {
            let info = try await modelInfo(schema.modelID, client: client)
            let unit: ModelPrice.Unit? = switch info.priceUnit {
            case "second": .second
            case "output": .output
            case nil: schema.publishedPrice?.unit
            default: nil
            }
            // A price per a unit other than the one the model is known to be priced in (the seed's estimate is per
            // second) is not taken: a cap counted in the wrong unit is no cap.
            let knownUnit = schema.publishedPrice?.source == .estimate ? schema.publishedPrice?.unit : nil
            guard let price = info.basePriceUSD, price > 0, let unit, knownUnit == nil || knownUnit == unit else {
                return (nil, "the API gave no usable price")
            }
            var rules = schema.rules
            if rules.soundField != nil, rules.soundFactorSource != .words, let words = info.pricingNote.flatMap(SoundPriceWords.factor(inPricingNote:)) {
                rules.soundFactor = words
                rules.soundFactorSource = .words
            }
            return (ModelPrice(basePriceUSD: price, unit: unit, rules: rules, source: .api), nil)
        } catch {
            if isRefusal(error) {
                return (nil, "refused:\(error.code): \(error.message)")
            }
            if error.kind == .notSent { return (nil, "unreachable:\(error.message)") }
            return (nil, "\(error.code): \(error.message)")
        }
    }

    /// A model's record, asked again once when no connection could be made (after 0.5 s) or the API was busy
    /// (after its Retry-After, at most 5 s): many shards starting at once.
    static func modelInfo(_ modelID: String, client: HTTPModelAPIClient) async throws(APIError) -> ModelInfo {
        do {
            return try await client.modelInfo(modelID: modelID)
        } catch {
            guard error.kind == .notSent || error.kind == .throttled else { throw error }
            try? await Task.sleep(for: error.kind == .throttled ? min(error.retryAfter ?? .seconds(1), .seconds(5)) : .milliseconds(500))
            return try await client.modelInfo(modelID: modelID)
        }
    }

    /// How many price look-ups run at once.
    static let lookupWidth = 8

    /// Every model's price (the seed's too): the API's when it answers, else the published one. The look-ups run
    /// `lookupWidth` at a time under one overall `deadline`; a model whose price did not come in time keeps its
    /// published price. One note names every model without a live price (not one note each). With `strict` (a run
    /// about to spend), a refused account or an API that cannot be reached stops it, exit 3, as the seed's price
    /// call does.
    static func lookUp(
        _ schemas: [ModelSchema], token: Token, baseURL: String, proxies: ProxySettings? = nil, console: Console, strict: Bool = false,
        deadline: Duration = .seconds(5)
    ) async throws -> [String: ModelPrice] {
        var pending = schemas
        guard !pending.isEmpty else { return [:] }
        let transport = AsyncHTTPTransport(connectTimeout: min(.seconds(3), deadline), proxies: proxies ?? ProxySettings.from().settings)
        var configuration = HTTPModelAPIClient.Configuration(baseURL: baseURL)
        configuration.pollReadTimeout = min(.seconds(5), deadline)
        let client = HTTPModelAPIClient(configuration: configuration, token: token, transport: transport)
        var prices: [String: ModelPrice] = [:]
        var failures: [(id: String, reason: String)] = []
        let clock = ContinuousClock()
        let end = clock.now + deadline
        let total = pending.count
        await withTaskGroup(of: (String, ModelPrice?, String?).self) { group in
            // The deadline: a task that answers with an empty id once it passes.
            group.addTask { try? await Task.sleep(until: end, clock: clock); return ("", nil, nil) }
            var running = 0
            while true {
                while running < lookupWidth, !pending.isEmpty, clock.now < end {
                    let schema = pending.removeFirst()
                    running += 1
                    group.addTask { let (price, reason) = await fetch(schema, client: client); return (schema.modelID, price, reason) }
                }
                guard running > 0, let (id, price, reason) = await group.next(), !id.isEmpty else { break }
                running -= 1
                if let price { prices[id] = price } else { failures.append((id, reason ?? "no answer")) }
                if prices.count + failures.count == total { break }
            }
            group.cancelAll()
        }
        await transport.shutdown()
        let answered = Set(prices.keys).union(failures.map(\.id))
        let late = schemas.filter { !answered.contains($0.modelID) }.map(\.modelID)
        if strict, let refused = failures.first(where: { $0.reason.hasPrefix("refused:") }) {
            throw CLIError.setup("the API refused the account (\(refused.reason.dropFirst("refused:".count))); check the token and the balance")
        }
        if strict, let unreachable = failures.first(where: { $0.reason.hasPrefix("unreachable:") }) {
            throw CLIError.setup(
                "the API cannot be reached at \(baseURL)/v1/models/\(unreachable.id) (\(unreachable.reason.dropFirst("unreachable:".count))); check --base-url, RUNCOMFY_BASE_URL and any proxy; nothing was submitted"
            )
        }
        let missing = failures.map { ($0.id, $0.reason) } + late.map { ($0, "no answer within \(deadline.components.seconds) s") }
        if !missing.isEmpty {
            console.err(unavailableNote(missing, schemas: schemas))
        }
        return prices
    }

    /// `plan`'s look-up of the models' prices: none without a token, and never an error (`plan` needs no network).
    static func lookUpIfAsked(_ schemas: [ModelSchema], token: Token?, baseURL: String, console: Console) async -> [String: ModelPrice] {
        guard let token else { return [:] }
        return (try? await lookUp(schemas, token: token, baseURL: baseURL, console: console)) ?? [:]
    }

    /// One note for every model whose live price could not be had: which (or how many), the reasons (each once),
    /// and what stands in (the seed's built-in estimate, the catalogue's published prices, else unknown).
    static func unavailableNote(_ missing: [(id: String, reason: String)], schemas: [ModelSchema]) -> String {
        var reasons: [String] = []
        for (_, reason) in missing {
            let text = reason.hasPrefix("unreachable:") ? "cannot be reached: " + reason.dropFirst("unreachable:".count) : reason
            if !reasons.contains(text) { reasons.append(text) }
        }
        let ids = missing.map(\.id)
        let named = ids.count <= 5 ? ids.joined(separator: ", ") : ids.prefix(3).joined(separator: ", ") + " and \(ids.count - 3) more"
        var standIns: [String] = []
        let fallbacks = schemas.filter { ids.contains($0.modelID) }.map { $0.publishedPrice?.basePriceUSD == nil ? nil : $0.publishedPrice }
        if let estimate = fallbacks.compactMap({ $0 }).first(where: { $0.source == .estimate }), let base = estimate.basePriceUSD {
            standIns.append("the built-in estimate (USD \(JSONValue.format(base)) per second)")
        }
        if fallbacks.contains(where: { $0?.source == .snapshot }) { standIns.append("the catalogue's published prices") }
        if fallbacks.contains(where: { $0 == nil }) { standIns.append(standIns.isEmpty ? "unknown prices" : "else unknown") }
        let shown = reasons.prefix(3).joined(separator: "; ") + (reasons.count > 3 ? "; ..." : "")
        return "note: the live price is unavailable for \(ids.count == 1 ? "" : "\(ids.count) models, ")\(named) (\(shown)); using "
            + standIns.joined(separator: ", ")
    }

    /// A refused token or an account that cannot render (401/403, 400004, 400002, 402): no price call will do.
    static func isRefusal(_ error: APIError) -> Bool {
        error.kind == .fatal && ([401, 403, 402].contains(error.httpStatus ?? 0) || [400004, 400002, 401001, 403003].contains(error.apiCode ?? 0))
    }
}
