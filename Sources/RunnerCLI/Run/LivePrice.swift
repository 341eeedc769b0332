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
    /// the API gives none. The sound factor is the per-model table's.
    static func fetch(_ schema: ModelSchema, token: Token, baseURL: String, proxies: ProxySettings? = nil) async -> (ModelPrice?, String?) {
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(3), proxies: proxies ?? ProxySettings.from().settings)
        defer { Task { await transport.shutdown() } }
        var configuration = HTTPModelAPIClient.Configuration(baseURL: baseURL)
        configuration.pollReadTimeout = .seconds(5)
        let client = HTTPModelAPIClient(configuration: configuration, token: token, transport: transport)
        do {
            let info = try await client.modelInfo(modelID: schema.modelID)
            let unit: ModelPrice.Unit? = switch info.priceUnit {
            case "second": .second
            case "output": .output
            case nil: schema.publishedPrice?.unit
            default: nil
            }
            guard let price = info.basePriceUSD, price > 0, let unit else {
                return (nil, "the API gave no usable price for \(schema.modelID)")
            }
            return (ModelPrice(basePriceUSD: price, unit: unit, factor: schema.rules.soundFactor, source: .api), nil)
        } catch {
            if isRefusal(error) {
                return (nil, "refused:\(error.code): \(error.message)")
            }
            if error.kind == .notSent { return (nil, "unreachable:\(error.message)") }
            return (nil, "\(error.code): \(error.message)")
        }
    }

    /// Every model's price but the seed's: the API's when it answers, else the published one (a note says so).
    /// With `strict` (a run about to spend), a refused account or an API that cannot be reached stops it, exit 3,
    /// as the seed's price call does.
    static func others(
        _ schemas: [ModelSchema], token: Token, baseURL: String, proxies: ProxySettings? = nil, console: Console, strict: Bool = false
    ) async throws -> [String: ModelPrice] {
        var prices: [String: ModelPrice] = [:]
        for schema in schemas where !schema.isBuiltIn {
            let (price, reason) = await fetch(schema, token: token, baseURL: baseURL, proxies: proxies)
            if strict, let reason, reason.hasPrefix("refused:") {
                throw CLIError.setup("the API refused the account (\(reason.dropFirst("refused:".count))); check the token and the balance")
            }
            if strict, let reason, reason.hasPrefix("unreachable:") {
                throw CLIError.setup("the API cannot be reached at \(baseURL) (\(reason.dropFirst("unreachable:".count))); check --base-url, RUNCOMFY_BASE_URL and any proxy; nothing was submitted")
            }
            if let price {
                prices[schema.modelID] = price
            } else {
                let fallback = schema.publishedPrice?.basePriceUSD != nil ? "the catalogue's published price" : "an unknown price"
                console.err("note: the live price of \(schema.modelID) is unavailable (\(reason ?? "no answer")); using \(fallback)")
            }
        }
        return prices
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
