import ModelCatalog

/// The prices a plan or a run counts with: each model's from the API where it answered (`models`), else the one its
/// schema carries (a catalogue's published price; for the seed, shotrunner's built-in estimate), else unknown.
public struct PriceList: Sendable, Equatable {
    /// The prices the API gave, by model id.
    public var models: [String: ModelPrice] = [:]

    /// No live price: every model at its published price (the seed at the built-in estimate).
    public init() {}

    /// The list before any price is asked of the API.
    public static let estimate = PriceList()

    /// The built-in estimate for the seed: USD 0.112 per second (RunComfy's rate for Kling 3.0 Pro image-to-video,
    /// the nearest published figure), sound 25% more (the model page's own rule).
    public static let builtInEstimate = ModelPrice(basePriceUSD: 0.112, unit: .second, factor: 1.25, source: .estimate)

    /// The price of a model: the API's, else its published one, else unknown.
    public func price(for schema: ModelSchema) -> ModelPrice {
        if let live = models[schema.modelID] { return live }
        if let published = schema.publishedPrice, published.basePriceUSD != nil { return published }
        let unit = schema.publishedPrice?.unit ?? (schema.outputKind == .image ? .output : .second)
        return ModelPrice(basePriceUSD: nil, unit: unit, rules: schema.rules, source: .unknown)
    }

    /// The seed model's price (what `plan --json`'s `price` describes).
    public var seed: ModelPrice { price(for: .klingO3ProImageToVideo) }

    /// What one job counts against a spending cap, in USD: its estimate, with sound of an unknown factor at the
    /// largest published one (0 where the cost is unknown: `--max-cost` refuses to start with such a job to submit,
    /// see `estimate(of:)`).
    public func cost(of body: RequestBody) -> Double {
        price(for: body.schema).cost(of: body, forCap: true)?.usd ?? 0
    }

    /// The estimated cost of one job, in USD; nil when its model's price, or its clip's length, is unknown.
    public func estimate(of body: RequestBody) -> Double? {
        price(for: body.schema).cost(of: body)?.usd
    }

    /// A USD amount rounded to 4 decimals, as reports and JSON show it.
    public static func rounded(_ amount: Double) -> Double {
        (amount * 10_000).rounded() / 10_000
    }
}
