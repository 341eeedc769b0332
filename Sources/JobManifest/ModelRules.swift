import ModelCatalog

/// What a schema cannot say about a model, kept in a small table by model id.
public struct ModelRules: Sendable, Equatable {
    /// The field holding the clip's length in seconds (`duration`), if any.
    public var durationField: String?
    /// The length of every clip of a model without a duration field, where it is known.
    public var fixedSeconds: Int?
    /// The boolean field that multiplies the price by `soundFactor` when true, if known.
    public var soundField: String?
    /// The price multiplier for clips with sound (1.25 for the seed: sound adds 25%); 1 where it is not known.
    public var soundFactor: Double
    /// Where `soundFactor` comes from: the model's own words, the published table, or nowhere (the estimate then
    /// leaves sound out, and a cap counts the largest published factor).
    public var soundFactorSource: SoundFactorSource
    /// Whether the output count is an upper bound (`max_images`: the model makes at most that many).
    public var outputsAreBound: Bool
    /// The field of prompt segments whose durations add up to the clip's (the seed's `multi_prompt`).
    public var segmentsField: String?
    /// The integer field counting the outputs a request makes (`num_images`, `num_outputs`, `n`, `max_images`), if
    /// any.
    public var outputsField: String?

    /// Where a model's sound factor comes from.
    public enum SoundFactorSource: String, Sendable, Equatable {
        /// The model's own words: its sound field's description, or its price's `pricing_note`.
        case words
        /// The published table below.
        case table
        /// Nothing says it: estimates leave sound out.
        case unknown
    }

    public init(
        durationField: String? = nil, fixedSeconds: Int? = nil, soundField: String? = nil, soundFactor: Double = 1,
        soundFactorSource: SoundFactorSource = .table, segmentsField: String? = nil, outputsField: String? = nil, outputsAreBound: Bool = false
    ) {
        self.durationField = durationField
        self.fixedSeconds = fixedSeconds
        self.soundField = soundField
        self.soundFactor = soundFactor
        self.soundFactorSource = soundFactorSource
        self.segmentsField = segmentsField
        self.outputsField = outputsField
        self.outputsAreBound = outputsAreBound
    }

    /// Whether sound's share of the price is known (no sound field: nothing to know).
    public var soundFactorKnown: Bool { soundField == nil || soundFactorSource != .unknown }

    /// The factor a spending cap counts for a clip with sound: the known one, else the largest published.
    public var capSoundFactor: Double { soundFactorKnown ? soundFactor : Self.largestPublishedSoundFactor }

    /// The largest sound factor any published price names (the table's).
    public static let largestPublishedSoundFactor = table.map(\.soundFactor).max() ?? 1

    /// The boolean fields that turn a clip's sound on, in the order looked at, for models in no row of the table.
    static let soundFieldNames = ["sound", "generate_audio", "enable_audio", "generate_sound", "generate_audio_switch", "with_audio", "audio"]

    /// The integer fields that count outputs, in the order looked at; `max_images` is an upper bound.
    static let outputFieldNames = ["num_images", "num_outputs", "n", "max_images"]

    /// One row of the per-model table.
    struct Row: Sendable {
        let prefix: String
        /// The boolean fields that add to the price, the first the model has is used.
        var soundFields: [String] = []
        var soundFactor: Double = 1
        var fixedSeconds: Int?
    }

    /// The per-model table: facts published on RunComfy's pages that a schema does not carry. Matched by id
    /// prefix, the longest first; a model in no row follows its schema alone.
    static let table: [Row] = [
        // Kling 3.0: $0.084/s standard, $0.112/s pro; with audio $0.126 and $0.168, i.e. 1.5x.
        Row(prefix: "kling/kling-3.0/", soundFields: ["generate_audio", "sound"], soundFactor: 1.5),
        // Kling O3 standard reference-to-video: $0.084/s, $0.112/s with sound (4/3).
        Row(prefix: "kling/kling-video-o3/standard/reference-to-video", soundFields: ["sound"], soundFactor: 0.112 / 0.084),
        // The seed's family: sound adds 25% (the seed's own page).
        Row(prefix: "kling/kling-video-o3/", soundFields: ["sound"], soundFactor: 1.25),
        // Veo 3.1 renders 8-second clips and its schema has no duration field.
        Row(prefix: "google-deepmind/veo-3-1/", fixedSeconds: 8),
    ]

    /// The rules of a catalogue model: its `duration` and output-count fields, its sound field and what sound adds
    /// (its own words first, then the table's row), then the row's other facts.
    static func forCatalogModel(_ modelID: String, fields: [FieldSchema], pricingNote: String? = nil) -> ModelRules {
        var rules = ModelRules()
        let names = fields.map(\.name)
        if names.contains("duration") { rules.durationField = "duration" }
        rules.outputsField = outputFieldNames.first { names.contains($0) }
        rules.outputsAreBound = rules.outputsField == "max_images"
        let row = table.filter { modelID.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }
        let booleans = Set(fields.filter { $0.kind == .boolean }.map(\.name))
        rules.soundField = ((row?.soundFields ?? []) + soundFieldNames).first { booleans.contains($0) }
        if let soundField = rules.soundField {
            let description = fields.first { $0.name == soundField }?.description
            if let words = description.flatMap(SoundPriceWords.factor(in:)) ?? pricingNote.flatMap(SoundPriceWords.factor(inPricingNote:)) {
                rules.soundFactor = words
                rules.soundFactorSource = .words
            } else if let row, row.soundFields.contains(soundField) {
                rules.soundFactor = row.soundFactor
                rules.soundFactorSource = .table
            } else {
                rules.soundFactorSource = .unknown
            }
        }
        if rules.durationField == nil { rules.fixedSeconds = row?.fixedSeconds }
        return rules
    }
}
