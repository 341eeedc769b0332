import JobManifest
import ModelAPI

/// The price from the API's model record when a token is at hand; the built-in estimate otherwise.
enum LivePrice {
    /// Asks the API with a short timeout; says on stderr why it fell back to the estimate.
    static func lookup(modelID: String, token: Token?, baseURL: String, console: Console) async -> PriceList {
        guard let token else { return .estimate }
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(3))
        var configuration = HTTPModelAPIClient.Configuration(baseURL: baseURL)
        configuration.pollReadTimeout = .seconds(5)
        let client = HTTPModelAPIClient(configuration: configuration, token: token, transport: transport)
        defer { Task { await transport.shutdown() } }
        do {
            let info = try await client.modelInfo(modelID: modelID)
            await transport.shutdown()
            guard let price = info.basePriceUSD, price > 0, info.priceUnit == nil || info.priceUnit == "second" else {
                console.err("note: the API gave no per-second price for \(modelID); using the built-in estimate")
                return .estimate
            }
            return PriceList(perSecond: price, soundFactor: PriceList.estimate.soundFactor, source: .api)
        } catch {
            await transport.shutdown()
            console.err("note: the live price is unavailable (\(error.code): \(error.message)); using the built-in estimate")
            return .estimate
        }
    }
}
