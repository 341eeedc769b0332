public import ModelCatalog

/// A model's input schema as data: the fields a request body has, their kinds, ranges, enums and defaults, and
/// the few rules a schema cannot say (which field is the clip's length, which adds to the price, ...).
///
/// Decoding, validation, the request body and the key are all driven by this value. The seed model's comes from
/// a built-in table (`ModelSchema+Kling.swift`), every other model's from its catalogue entry
/// (`ModelSchema+Catalog.swift`).
public final class ModelSchema: Sendable {
    /// The model id, as it appears in the API path (`vendor/family/variant/task`).
    public let modelID: String
    /// The body's fields, in schema order.
    public let fields: [Field]
    /// The rules the schema itself cannot say.
    public let rules: ModelRules
    /// What the model renders.
    public let outputKind: CatalogEntry.OutputKind
    /// The price published for it, if any (the shipped catalogue's, or a catalogue file's).
    public let publishedPrice: ModelPrice?
    /// Whether the fields come from shotrunner's own table (the seed model) rather than a catalogue: its digest is
    /// `builtin`. Asked only where the seed differs for the compatibility of what earlier releases wrote (below) and
    /// in `plan`'s table.
    public var isBuiltIn: Bool { schemaDigest == Self.builtInDigest }

    /// The digest of the built-in table's schema.
    public static let builtInDigest = "builtin"

    /// The model id a ledger line names: nil for the seed, whose lines never named it (so folders of every release
    /// keep their lists as they were).
    public var ledgerModelID: String? { isBuiltIn ? nil : modelID }

    /// The schema digest `run_started` records: nil for the seed, whose fields no catalogue changes.
    public var recordedDigest: String? { isBuiltIn ? nil : schemaDigest }
    /// A digest of the schema the fields were read from (`builtin` for the seed's table): `run_started` records
    /// it, and a resume tells by it that a refreshed catalogue changed a model's defaults.
    public let schemaDigest: String
    /// Whether its catalogue entry carries an input schema (a page saved without `include_schema=true` does not):
    /// a model without one cannot be validated, so no shot may use it.
    public let hasInputSchema: Bool

    /// The field holding the clip's length in seconds, if the model has one.
    public var durationField: String? { rules.durationField }
    /// The boolean field that adds to the price (sound), if known.
    public var soundField: String? { rules.soundField }
    /// The field holding prompt segments whose durations add up to the clip's, if the model has one.
    public var segmentsField: String? { rules.segmentsField }

    /// Creates a schema.
    public init(
        modelID: String, fields: [Field], rules: ModelRules, outputKind: CatalogEntry.OutputKind,
        publishedPrice: ModelPrice? = nil, schemaDigest: String = ModelSchema.builtInDigest, hasInputSchema: Bool = true
    ) {
        self.schemaDigest = schemaDigest
        self.hasInputSchema = hasInputSchema
        self.modelID = modelID
        self.fields = fields
        self.rules = rules
        self.outputKind = outputKind
        self.publishedPrice = publishedPrice
        var index: [String: Int] = [:]
        for (position, field) in fields.enumerated() { index[field.name] = position }
        self.index = index
        canonicalOrder = Self.sortedPositions(fields)
        var itemOrders: [Int: [Int]] = [:]
        for (position, field) in fields.enumerated() {
            if case .objects(let items, _, _) = field.kind { itemOrders[position] = Self.sortedPositions(items) }
        }
        self.itemOrders = itemOrders
    }

    private let index: [String: Int]
    private let itemOrders: [Int: [Int]]

    /// Field positions in the order canonical JSON writes them (names sorted bytewise).
    let canonicalOrder: [Int]

    static func sortedPositions(_ fields: [Field]) -> [Int] {
        fields.indices.sorted { fields[$0].name.utf8.lexicographicallyPrecedes(fields[$1].name.utf8) }
    }

    /// For an array-of-objects field, its item fields' positions in canonical order.
    func itemOrder(of position: Int) -> [Int] { itemOrders[position] ?? [] }

    /// The position of a field in `fields`, if the schema has it.
    public func position(of name: String) -> Int? {
        // A handful of fields: comparing names beats hashing them.
        fields.count <= 16 ? fields.firstIndex { $0.name == name } : index[name]
    }

    /// The field of a name, if the schema has it.
    public func field(_ name: String) -> Field? {
        position(of: name).map { fields[$0] }
    }

    /// One field of a request body.
    public struct Field: Sendable {
        /// The JSON key.
        public let name: String
        /// What values it takes.
        public let kind: Kind
        /// Whether a body must have it.
        public let required: Bool
        /// The value the API assumes when the field is left out; the body always writes it.
        public let defaultValue: BodyValue?

        /// Creates a field.
        public init(_ name: String, _ kind: Kind, required: Bool = false, default defaultValue: BodyValue? = nil) {
            self.name = name
            self.kind = kind
            self.required = required
            self.defaultValue = defaultValue
        }

        /// The kinds of field.
        public indirect enum Kind: Sendable {
            /// A non-empty prompt (the seed's): warned past 2,500 characters, refused past 10,000.
            case text
            /// A string, optionally with length bounds; empty only when neither required nor bounded below.
            case string(minLength: Int?, maxLength: Int?)
            /// A media file: an https URL, or a local file sent as a data URI.
            case media(MediaKind)
            /// An integer within a range (`Int.min`/`Int.max` where the schema gives no bound).
            case integer(ClosedRange<Int>)
            /// A number (the dialect's `float`), optionally bounded.
            case number(minimum: Double?, maximum: Double?)
            /// A boolean.
            case boolean
            /// One of a few values: strings or numbers.
            case choice([BodyValue])
            /// A list of values of one kind (media files, strings, ...), with item limits.
            case list(Kind, minItems: Int?, maxItems: Int?)
            /// A list of objects with their own fields (prompt segments), with item limits.
            case objects(fields: [Field], minItems: Int?, maxItems: Int?)
            /// A value the reader cannot check (no type, or `object`): sent as written.
            case any
        }

        /// The media kind of a media field or a list of media, if it is one.
        public var mediaKind: MediaKind? {
            switch kind {
            case .media(let kind), .list(.media(let kind), _, _): kind
            default: nil
            }
        }
    }
}

/// What a media field takes.
public enum MediaKind: String, Sendable, Equatable {
    case image, video, audio
}
