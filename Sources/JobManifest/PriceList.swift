import ModelCatalog
/// What a second of the seed model's video costs: USD per second, and the factor sound multiplies it by.
public struct PriceList: Sendable, Equatable {
    /// Where the numbers come from.
    public enum Source: String, Sendable {
        /// The API's model record.
        case api
        /// A price published in the shipped catalogue.
        case snapshot
        /// shotrunner's built-in estimate.
        case estimate

        /// Whether `--max-cost` may rely on it: a cap computed from a guess is not a cap.
        public var isPublished: Bool { self != .estimate }
    }

    /// USD per second of video without sound.
    public var perSecond: Double
    /// The multiplier for clips with sound (1.25: sound adds 25%).
    public var soundFactor: Double
    /// Where the numbers come from.
    public var source: Source
    /// The prices of other models the API gave (by model id); a model not here has its published price, if any.
    public var models: [String: ModelPrice] = [:]

    /// Creates a price list.
    public init(perSecond: Double, soundFactor: Double, source: Source) {
        self.perSecond = perSecond
        self.soundFactor = soundFactor
        self.source = source
    }

    /// The built-in estimate: USD 0.112 per second (RunComfy's rate for Kling 3.0 Pro image-to-video, the
    /// nearest published figure), sound 25% more (the model page's own rule).
    public static let estimate = PriceList(perSecond: 0.112, soundFactor: 1.25, source: .estimate)

    /// The seed's price as a model price.
    public var modelPrice: ModelPrice {
        let source: ModelPrice.Source = switch self.source {
        case .api: .api
        case .snapshot: .snapshot
        case .estimate: .estimate
        }
        return ModelPrice(basePriceUSD: perSecond, unit: .second, factor: soundFactor, source: source)
    }

    /// The price this list gives a job's model: this list for the seed model, else the API's price for it, else
    /// its published price, else unknown.
    public func price(for schema: ModelSchema) -> ModelPrice {
        if schema.isBuiltIn { return modelPrice }
        if let live = models[schema.modelID] { return live }
        if let published = schema.publishedPrice, published.basePriceUSD != nil { return published }
        let unit = schema.publishedPrice?.unit ?? (schema.outputKind == .image ? .output : .second)
        return ModelPrice(basePriceUSD: nil, unit: unit, rules: schema.rules, source: .unknown)
    }

    /// What one job counts against a spending cap, in USD: its estimate, with sound of an unknown factor at the
    /// largest published one (0 where the cost is unknown: `--max-cost` refuses to start with such a job to submit,
    /// see `estimate(of:)`).
    public func cost(of body: RequestBody) -> Double {
        if body.schema.isBuiltIn { return estimate(of: body) ?? 0 }
        return price(for: body.schema).cost(of: body, forCap: true)?.usd ?? 0
    }

    /// The estimated cost of one job, in USD; nil when its model's price, or its clip's length, is unknown.
    public func estimate(of body: RequestBody) -> Double? {
        if body.schema.isBuiltIn { return Double(body.duration) * perSecond * (body.sound ? soundFactor : 1) }
        return price(for: body.schema).cost(of: body)?.usd
    }

    /// A USD amount rounded to 4 decimals, as reports and JSON show it.
    public static func rounded(_ amount: Double) -> Double {
        (amount * 10_000).rounded() / 10_000
    }
}
