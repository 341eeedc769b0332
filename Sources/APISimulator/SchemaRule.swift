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
        media = schema["format"]?.string.flatMap(MediaFormat.init(format:))
        type = switch schema["type"]?.string {
        case "string": .string
        case "integer": .integer
        case "number", "float": .number
        case "boolean": .boolean
        case "array": .array
        case "object": .object
        default: media.map { $0.many ? .array : .string }
        }
        choices = schema["enum"]?.elements
        minimum = schema["minimum"]?.double
        maximum = schema["maximum"]?.double
        minLength = schema["minLength"]?.int
        maxLength = schema["maxLength"]?.int
        minItems = schema["minItems"]?.int
        maxItems = schema["maxItems"]?.int
        defaultValue = schema["default"]
        if schema["properties"]?.members != nil {
            fields = ObjectRule(schema)
        }
        if let items = schema["items"], let members = items.members {
            if items["properties"]?.members != nil {
                self.items = .object(ObjectRule(items))
            } else if items["type"] != nil || items["enum"] != nil || items["format"] != nil {
                self.items = .value(SchemaRule(items))
            } else {
                self.items = .object(ObjectRule(fields: members.filter { $0.value.members != nil }.map { ($0.key, SchemaRule($0.value)) }, required: []))
            }
        }
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

    init(fields: [(name: String, rule: SchemaRule)], required: [String]) {
        self.fields = fields
        self.required = required
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
