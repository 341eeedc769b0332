/// What one model costs: a base price per second of video or per output, and where the number comes from.
public struct ModelPrice: Sendable, Equatable {
    /// What the base price is counted in.
    public enum Unit: String, Sendable {
        case second, output
    }

    /// Where a price comes from.
    public enum Source: String, Sendable {
        /// The API's model record.
        case api
        /// A price published in the shipped catalogue (or a catalogue file).
        case snapshot
        /// shotrunner's built-in guess for the seed model.
        case estimate
        /// No price is known: costs are unknown.
        case unknown

        /// Whether `--max-cost` may rely on it: a cap computed from a guess is not a cap.
        public var isPublished: Bool { self == .api || self == .snapshot }
    }

    /// USD per unit; nil when unknown.
    public var basePriceUSD: Double?
    public var unit: Unit
    /// The multiplier for clips with sound (the model's sound field true), 1 where none is known.
    public var factor: Double
    public var source: Source

    public init(basePriceUSD: Double?, unit: Unit, factor: Double = 1, source: Source) {
        self.basePriceUSD = basePriceUSD
        self.unit = unit
        self.factor = factor
        self.source = basePriceUSD == nil ? .unknown : source
    }

    /// An estimate of one job's cost, and whether it is an upper bound (a duration of `"auto"`).
    public struct Estimate: Sendable, Equatable {
        public var usd: Double
        public var isBound: Bool

        public init(usd: Double, isBound: Bool) {
            self.usd = usd
            self.isBound = isBound
        }
    }

    /// The estimated cost of one job; nil when the price, or the clip's length for a per-second model, is unknown.
    public func cost(of body: RequestBody) -> Estimate? {
        guard let basePriceUSD else { return nil }
        switch unit {
        case .output:
            return Estimate(usd: basePriceUSD * Double(body.outputs), isBound: false)
        case .second:
            guard let seconds = body.seconds else { return nil }
            return Estimate(usd: basePriceUSD * seconds.value * (body.sound ? factor : 1), isBound: seconds.isBound)
        }
    }
}
