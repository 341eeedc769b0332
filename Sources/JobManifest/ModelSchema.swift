/// A model's input schema as data: the fields a request body has, their kinds, ranges, enums and defaults.
///
/// Decoding, validation, the request body and the key are all driven by this table, so supporting a second
/// model means adding a table (see `ModelSchema+Kling.swift`), not rewriting the decoder.
public final class ModelSchema: Sendable {
    /// The model id, as it appears in the API path (`kling/kling-video-o3/pro/image-to-video`).
    public let modelID: String
    /// The body's fields, in schema order.
    public let fields: [Field]
    /// The field holding the clip's length in seconds; the sum of the segments when there are segments.
    public let durationField: String
    /// The boolean field that adds to the price (sound), if the model has one.
    public let soundField: String?
    /// The field holding prompt segments, if the model has one.
    public let segmentsField: String?

    /// Creates a schema.
    public init(modelID: String, fields: [Field], durationField: String, soundField: String?, segmentsField: String?) {
        self.modelID = modelID
        self.fields = fields
        self.durationField = durationField
        self.soundField = soundField
        self.segmentsField = segmentsField
        var index: [String: Int] = [:]
        for (position, field) in fields.enumerated() { index[field.name] = position }
        self.index = index
        canonicalOrder = fields.indices.sorted { fields[$0].name.utf8.lexicographicallyPrecedes(fields[$1].name.utf8) }
        var itemOrders: [Int: [Int]] = [:]
        var itemNames: [Int: [String]] = [:]
        for (position, field) in fields.enumerated() {
            guard case .segments(let items, _) = field.kind else { continue }
            itemOrders[position] = items.indices.sorted { items[$0].name.utf8.lexicographicallyPrecedes(items[$1].name.utf8) }
            itemNames[position] = items.map(\.name)
        }
        self.itemOrders = itemOrders
        self.itemNames = itemNames
    }

    private let index: [String: Int]
    private let itemOrders: [Int: [Int]]
    private let itemNames: [Int: [String]]

    /// Field positions in the order canonical JSON writes them (names sorted bytewise).
    let canonicalOrder: [Int]

    /// For a segments field, its item fields' positions in canonical order.
    func itemOrder(of position: Int) -> [Int] { itemOrders[position] ?? [] }

    /// For a segments field, its item fields' names.
    func itemFieldNames(of position: Int) -> [String] { itemNames[position] ?? [] }

    /// The position of a field in `fields`, if the schema has it.
    public func position(of name: String) -> Int? {
        // A handful of fields: comparing names beats hashing them.
        fields.count <= 16 ? fields.firstIndex { $0.name == name } : index[name]
    }

    /// Every model shotrunner knows.
    public static let known: [ModelSchema] = [.klingO3ProImageToVideo]

    /// The schema of a model id, if shotrunner knows it.
    public static func named(_ modelID: String) -> ModelSchema? {
        known.first { $0.modelID == modelID }
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
        public enum Kind: Sendable {
            /// A non-empty string.
            case text
            /// An image: an https URL, or a local file sent as a data URI.
            case image
            /// An integer within a range.
            case integer(ClosedRange<Int>)
            /// A boolean.
            case boolean
            /// One of a few strings.
            case choice([String])
            /// A list of objects with their own fields (prompt segments), at most `maxItems`.
            case segments(fields: [Field], maxItems: Int)
        }
    }
}
