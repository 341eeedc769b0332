import JobManifest
import ModelAPI

/// The price from the API's model record (`GET /v1/models/{id}`), or why there is none.
enum LivePrice {
    /// What asking for the price came to.
    enum Outcome {
        /// The API's price.
        case live(PriceList)
        /// The API answered without a usable price, or with an error that is not about reaching it.
        case unavailable(reason: String)
        /// The token was refused, or the account cannot render (401/403, 400004, 400002, 402).
        case refused(APIError)
        /// No connection could be made, after every try.
        case unreachable(url: String, reason: String)
    }

    /// Asks once per try, `tries` times while no connection can be made (waiting 0.5 s, then 1 s, ...) or the API
    /// is throttling (waiting its Retry-After, at most 5 s), each with a 3 s connect and a 5 s read timeout.
    static func fetch(modelID: String, token: Token, baseURL: String, tries: Int = 1, proxies: ProxySettings? = nil) async -> Outcome {
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(3), proxies: proxies ?? ProxySettings.from().settings)
        var configuration = HTTPModelAPIClient.Configuration(baseURL: baseURL)
        configuration.pollReadTimeout = .seconds(5)
        let client = HTTPModelAPIClient(configuration: configuration, token: token, transport: transport)
        var outcome = Outcome.unavailable(reason: "not asked")
        for attempt in 1...max(1, tries) {
            do {
                let info = try await client.modelInfo(modelID: modelID)
                if let price = info.basePriceUSD, price > 0, info.priceUnit == nil || info.priceUnit == "second" {
                    outcome = .live(PriceList(perSecond: price, soundFactor: PriceList.estimate.soundFactor, source: .api))
                } else {
                    outcome = .unavailable(reason: "the API gave no per-second price for \(modelID)")
                }
                break
            } catch {
                if isRefusal(error) {
                    outcome = .refused(error)
                    break
                }
                if error.kind == .throttled {
                    // Busy (many shards starting at once): asked again after Retry-After, at most 5 s.
                    outcome = .unavailable(reason: "\(error.code): \(error.message)")
                    if attempt < tries { try? await Task.sleep(for: min(error.retryAfter ?? .seconds(1), .seconds(5))) }
                    continue
                }
                guard error.kind == .notSent else {
                    outcome = .unavailable(reason: "\(error.code): \(error.message)")
                    break
                }
                outcome = .unreachable(url: configuration.baseURL + "/v1/models/" + modelID, reason: error.message)
                if attempt < tries { try? await Task.sleep(for: .milliseconds(500 << (attempt - 1))) }
            }
        }
        await transport.shutdown()
        return outcome
    }

    /// Another model's price from the API, per second or per output as its record says; nil (with the reason) when
    /// the API gives none. The sound factor is the model's own (its record's `pricing_note` first), else the table's.
    static func fetch(_ schema: ModelSchema, client: HTTPModelAPIClient) async -> (ModelPrice?, String?) {
        do {
            let info = try await client.modelInfo(modelID: schema.modelID)
            let unit: ModelPrice.Unit? = switch info.priceUnit {
            case "second": .second
            case "output": .output
            case nil: schema.publishedPrice?.unit
            default: nil
            }
            guard let price = info.basePriceUSD, price > 0, let unit else {
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

    /// How many price look-ups run at once.
    static let lookupWidth = 8

    /// Every model's price but the seed's: the API's when it answers, else the published one. The look-ups run
    /// `lookupWidth` at a time under one overall `deadline`; a model whose price did not come in time keeps its
    /// published price. One note names every model without a live price (not one note each). With `strict` (a run
    /// about to spend), a refused account or an API that cannot be reached stops it, exit 3, as the seed's price
    /// call does.
    static func others(
        _ schemas: [ModelSchema], token: Token, baseURL: String, proxies: ProxySettings? = nil, console: Console, strict: Bool = false,
        deadline: Duration = .seconds(5)
    ) async throws -> [String: ModelPrice] {
        var pending = schemas.filter { !$0.isBuiltIn }
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
        let late = schemas.filter { !$0.isBuiltIn && !answered.contains($0.modelID) }.map(\.modelID)
        if strict, let refused = failures.first(where: { $0.reason.hasPrefix("refused:") }) {
            throw CLIError.setup("the API refused the account (\(refused.reason.dropFirst("refused:".count))); check the token and the balance")
        }
        if strict, let unreachable = failures.first(where: { $0.reason.hasPrefix("unreachable:") }) {
            throw CLIError.setup("the API cannot be reached at \(baseURL) (\(unreachable.reason.dropFirst("unreachable:".count))); check --base-url, RUNCOMFY_BASE_URL and any proxy; nothing was submitted")
        }
        let missing = failures.map { ($0.id, $0.reason) } + late.map { ($0, "no answer within \(deadline.components.seconds) s") }
        if !missing.isEmpty {
            console.err(unavailableNote(missing, schemas: schemas))
        }
        return prices
    }

    /// `plan`'s look-up of the other models' prices: none without a token, and never an error (`plan` needs no
    /// network).
    static func othersIfAsked(_ schemas: [ModelSchema], token: Token?, baseURL: String, console: Console) async -> [String: ModelPrice] {
        guard let token else { return [:] }
        return (try? await others(schemas, token: token, baseURL: baseURL, console: console)) ?? [:]
    }

    /// One note for every model whose live price could not be had: how many, the reasons (each once), and whether
    /// the catalogue's published prices stand in.
    static func unavailableNote(_ missing: [(id: String, reason: String)], schemas: [ModelSchema]) -> String {
        var reasons: [String] = []
        for (_, reason) in missing {
            let text = reason.hasPrefix("unreachable:") ? "cannot be reached: " + reason.dropFirst("unreachable:".count) : reason
            if !reasons.contains(text) { reasons.append(text) }
        }
        let ids = missing.map(\.id)
        let named = ids.count <= 5 ? ids.joined(separator: ", ") : ids.prefix(3).joined(separator: ", ") + " and \(ids.count - 3) more"
        let published = schemas.filter { ids.contains($0.modelID) && $0.publishedPrice?.basePriceUSD != nil }.count
        let fallback = published == ids.count ? "the catalogue's published prices"
            : published == 0 ? "unknown prices" : "the catalogue's published prices where there are any (\(published) of \(ids.count)), else unknown"
        let shown = reasons.prefix(3).joined(separator: "; ") + (reasons.count > 3 ? "; ..." : "")
        return "note: the live price of \(ids.count == 1 ? "" : "\(ids.count) models, ")\(named), is unavailable (\(shown)); using \(fallback)"
    }

    /// A refused token or an account that cannot render (401/403, 400004, 400002, 402): no price call will do.
    static func isRefusal(_ error: APIError) -> Bool {
        error.kind == .fatal && ([401, 403, 402].contains(error.httpStatus ?? 0) || [400004, 400002, 401001, 403003].contains(error.apiCode ?? 0))
    }

    /// `plan`'s price: the API's when a token is at hand and it answers, else the built-in estimate, saying why on
    /// stderr. It never fails: `plan` needs no network.
    static func lookup(modelID: String, token: Token?, baseURL: String, console: Console) async -> PriceList {
        guard let token else { return .estimate }
        switch await fetch(modelID: modelID, token: token, baseURL: baseURL) {
        case .live(let prices):
            return prices
        case .unavailable(let reason):
            console.err("note: the live price is unavailable (\(reason)); using the built-in estimate")
        case .refused(let error):
            console.err("note: the live price is unavailable (\(error.code): \(error.message)); using the built-in estimate")
        case .unreachable(let url, let reason):
            console.err("note: the live price is unavailable (\(url) cannot be reached: \(reason)); using the built-in estimate")
        }
        return .estimate
    }
}
