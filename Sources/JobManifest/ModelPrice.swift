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
    /// The multiplier a spending cap counts for clips with sound: `factor` where it is known, else the largest
    /// published one (a cap never guesses low).
    public var capFactor: Double
    public var source: Source

    public init(basePriceUSD: Double?, unit: Unit, factor: Double = 1, capFactor: Double? = nil, source: Source) {
        self.basePriceUSD = basePriceUSD
        self.unit = unit
        self.factor = factor
        self.capFactor = capFactor ?? factor
        self.source = basePriceUSD == nil ? .unknown : source
    }

    /// A price with the sound factors of a model's rules.
    public init(basePriceUSD: Double?, unit: Unit, rules: ModelRules, source: Source) {
        self.init(basePriceUSD: basePriceUSD, unit: unit, factor: rules.soundFactor, capFactor: rules.capSoundFactor, source: source)
    }

    /// Whether the factor for sound is known (else estimates leave sound out).
    public var soundFactorKnown: Bool { capFactor == factor }

    /// An estimate of one job's cost, and whether it is an upper bound (a duration of `"auto"`, a `max_images`).
    public struct Estimate: Sendable, Equatable {
        public var usd: Double
        public var isBound: Bool

        public init(usd: Double, isBound: Bool) {
            self.usd = usd
            self.isBound = isBound
        }
    }

    /// The estimated cost of one job; nil when the price, or the clip's length for a per-second model, is unknown.
    /// With `forCap`, sound of an unknown factor counts at the largest published one.
    public func cost(of body: RequestBody, forCap: Bool = false) -> Estimate? {
        guard let basePriceUSD else { return nil }
        switch unit {
        case .output:
            return Estimate(usd: basePriceUSD * Double(body.outputs), isBound: body.outputsIsBound)
        case .second:
            guard let seconds = body.seconds else { return nil }
            let sound = body.sound ? (forCap ? capFactor : factor) : 1
            return Estimate(usd: basePriceUSD * seconds.value * sound, isBound: seconds.isBound)
        }
    }
}
