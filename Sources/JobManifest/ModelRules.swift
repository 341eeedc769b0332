/// What a schema cannot say about a model, kept in a small table by model id.
public struct ModelRules: Sendable, Equatable {
    /// The field holding the clip's length in seconds (`duration`), if any.
    public var durationField: String?
    /// The length of every clip of a model without a duration field, where it is known.
    public var fixedSeconds: Int?
    /// The boolean field that multiplies the price by `soundFactor` when true, if known.
    public var soundField: String?
    /// The price multiplier for clips with sound (1.25 for the seed: sound adds 25%).
    public var soundFactor: Double
    /// The field of prompt segments whose durations add up to the clip's (the seed's `multi_prompt`).
    public var segmentsField: String?
    /// The integer field counting the outputs a request makes (`num_images`, `num_outputs`, `n`), if any.
    public var outputsField: String?

    public init(
        durationField: String? = nil, fixedSeconds: Int? = nil, soundField: String? = nil, soundFactor: Double = 1,
        segmentsField: String? = nil, outputsField: String? = nil
    ) {
        self.durationField = durationField
        self.fixedSeconds = fixedSeconds
        self.soundField = soundField
        self.soundFactor = soundFactor
        self.segmentsField = segmentsField
        self.outputsField = outputsField
    }

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

    /// The rules of a catalogue model: its `duration` and output-count fields, then the table's row.
    static func forCatalogModel(_ modelID: String, fieldNames: [String]) -> ModelRules {
        var rules = ModelRules()
        if fieldNames.contains("duration") { rules.durationField = "duration" }
        rules.outputsField = ["num_images", "num_outputs", "n"].first { fieldNames.contains($0) }
        if let row = table.filter({ modelID.hasPrefix($0.prefix) }).max(by: { $0.prefix.count < $1.prefix.count }) {
            rules.soundField = row.soundFields.first { fieldNames.contains($0) }
            if rules.soundField != nil { rules.soundFactor = row.soundFactor }
            if rules.durationField == nil { rules.fixedSeconds = row.fixedSeconds }
        }
        return rules
    }
}
