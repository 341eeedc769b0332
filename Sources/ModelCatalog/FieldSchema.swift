public import JSON

/// One input field of a model, as its catalogue entry's `input_schema` describes it in RunComfy's dialect
/// (JSON-Schema-like: `"float"` is a number; media marked by `format`; `items` either a schema or, as the seed's
/// `multi_prompt` writes it, the fields of an object listed directly).
public struct FieldSchema: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case string, integer, number, boolean, array, object
        /// No `type`, or one the reader does not know.
        case any
    }

    /// A media field's kind, from its `format`.
    public enum Media: String, Sendable, Equatable {
        case image, video, audio
    }

    /// What an array's items are.
    public indirect enum Items: Sendable, Equatable {
        /// Each item is a value of this schema.
        case value(FieldSchema)
        /// Each item is an object with these fields (`items.properties`, or the fields listed under `items`).
        case object(fields: [FieldSchema], required: [String])
    }

    public var name: String
    public var kind: Kind
    /// `enum`: the values allowed (strings or numbers).
    public var choices: [JSONValue]?
    public var minimum: Double?
    public var maximum: Double?
    public var minLength: Int?
    public var maxLength: Int?
    public var minItems: Int?
    public var maxItems: Int?
    public var defaultValue: JSONValue?
    /// The `format` as written (`image_uri`, `int_slider_with_range`, ...).
    public var format: String?
    public var items: Items?
    /// The field's `description`, as written (a sound field's may say what sound adds to the price).
    public var description: String?
    /// Keywords this reader does not act on (`description`, `validations`, ...), for `models show`.
    public var ignored: [String]

    /// Its media kind and whether it takes several (`image_uris`), from `format`.
    public var media: (kind: Media, many: Bool)? {
        switch format {
        case "image_uri": (.image, false)
        case "image_uris": (.image, true)
        case "video_uri": (.video, false)
        case "video_uris": (.video, true)
        case "audio_uri": (.audio, false)
        case "audio_uris": (.audio, true)
        default: nil
        }
    }

    /// Reads one property's schema.
    public init(name: String, schema: JSONValue) {
        self.name = name
        // Type names are read without regard to case ("FLOAT", "Integer"), as RunComfy's own clients read them.
        let type = schema["type"]?.string?.lowercased()
        kind = switch type {
        case "string": .string
        case "integer", "int": .integer
        case "number", "float": .number
        case "boolean", "bool": .boolean
        case "array": .array
        case "object": .object
        default: .any
        }
        choices = schema["enum"]?.elements
        minimum = schema["minimum"]?.double
        maximum = schema["maximum"]?.double
        minLength = schema["minLength"]?.int
        maxLength = schema["maxLength"]?.int
        minItems = schema["minItems"]?.int
        maxItems = schema["maxItems"]?.int
        defaultValue = schema["default"]
        format = schema["format"]?.string
        description = schema["description"]?.string
        if let itemSchema = schema["items"], let members = itemSchema.members {
            if let properties = itemSchema["properties"]?.members {
                items = .object(fields: properties.map { FieldSchema(name: $0.key, schema: $0.value) }, required: itemSchema["required"]?.elements?.compactMap(\.string) ?? [])
            } else if itemSchema["type"] != nil || itemSchema["enum"] != nil || itemSchema["format"] != nil {
                items = .value(FieldSchema(name: "item", schema: itemSchema))
            } else {
                // The seed's form: the item's fields listed directly under `items`.
                items = .object(fields: members.filter { $0.value.members != nil }.map { FieldSchema(name: $0.key, schema: $0.value) }, required: [])
            }
        }
        let known: Set<String> = ["type", "enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "default", "format", "items"]
        ignored = (schema.members ?? []).map(\.key).filter { !known.contains($0) }
    }
}
