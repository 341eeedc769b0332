import JSON

/// One value's rules in RunComfy's `input_schema` dialect, as the simulator reads them: with its own code, not the
/// catalogue module's, so that the two readers catch each other's mistakes.
///
/// The dialect is JSON-Schema-like: `type` is `string`, `integer`, `number` (or the non-standard `float`: any
/// number), `boolean`, `array` or `object`; media fields are marked by `format` (`image_uri`, `video_uris`, ...);
/// an array's `items` is either a schema, an object's schema (`items.properties` with `items.required`), or, as
/// the seed's `multi_prompt` writes it, an object's fields listed directly under `items`. Keywords it does not know
/// (`title`, `description`, `validations`, ...) are ignored.
struct SchemaRule: Sendable {
    enum ValueType: String, Sendable {
        case string, integer, number, boolean, array, object
    }

    /// What an array's items must be.
    indirect enum Items: Sendable {
        case value(SchemaRule)
        case object(ObjectRule)
    }

    var type: ValueType?
    var choices: [JSONValue]?
    var minimum: Double?
    var maximum: Double?
    var minLength: Int?
    var maxLength: Int?
    var minItems: Int?
    var maxItems: Int?
    var media: MediaFormat?
    var items: Items?
    /// An object's own fields, when it declares them.
    var fields: ObjectRule?
    var defaultValue: JSONValue?

    init(_ schema: JSONValue) {
        var named: String?
        for (keyword, value) in schema.members ?? [] {
            switch keyword {
            case "type": named = value.string?.lowercased()  // "FLOAT", "Integer": as RunComfy's clients read them
            case "format": media = value.string.flatMap(MediaFormat.init(format:))
            case "enum": choices = value.elements
            case "minimum": minimum = value.double
            case "maximum": maximum = value.double
            case "minLength": minLength = value.int
            case "maxLength": maxLength = value.int
            case "minItems": minItems = value.int
            case "maxItems": maxItems = value.int
            case "default": defaultValue = value
            case "properties" where value.members != nil: fields = ObjectRule(schema)
            case "items" where value.members != nil:
                items = Self.listsFields(value) ? .object(ObjectRule(listed: value)) : .value(SchemaRule(value))
            default: break  // a keyword the simulator does not act on
            }
        }
        type = switch named {
        case "string": .string
        case "integer": .integer
        case "number", "float": .number
        case "boolean": .boolean
        case "array": .array
        case "object": .object
        // No type: a media format's (one string or a list of them), or an object's when it lists `properties`.
        default: media.map { $0.many ? .array : .string } ?? (fields != nil ? .object : nil)
        }
    }

    /// The keywords of a schema: an `items` holding none of them, and only objects, lists an object's fields.
    static let keywords: Set<String> = [
        "type", "enum", "format", "properties", "required", "items", "default", "title", "description",
        "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
    ]

    /// Whether an `items` is the seed's form, `{"prompt": {...}, "duration": {...}}`, rather than a schema (which
    /// may itself be an object's, with `properties`).
    private static func listsFields(_ items: JSONValue) -> Bool {
        guard let members = items.members, !members.isEmpty else { return false }
        return members.allSatisfy { !keywords.contains($0.key) && $0.value.members != nil }
    }

    /// The largest number the rule allows: its `maximum`, else its largest numeric choice (numbers, or strings
    /// that read as numbers).
    var largestAllowed: Double? {
        if let maximum { return maximum }
        return choices?.compactMap { $0.double ?? $0.string.flatMap(Double.init) }.max()
    }
}

/// An object's fields and which of them are required.
struct ObjectRule: Sendable {
    var fields: [(name: String, rule: SchemaRule)]
    var required: [String]

    /// Reads an object's fields listed directly (the seed's `items` form); none required.
    init(listed: JSONValue) {
        fields = (listed.members ?? []).map { ($0.key, SchemaRule($0.value)) }
        required = []
    }

    /// Reads `properties` and `required` (a whole `input_schema`, or a nested object's schema).
    init(_ schema: JSONValue) {
        fields = (schema["properties"]?.members ?? []).map { ($0.key, SchemaRule($0.value)) }
        required = schema["required"]?.elements?.compactMap(\.string) ?? []
    }

    func rule(_ name: String) -> SchemaRule? {
        fields.first { $0.name == name }?.rule
    }
}
