public import ModelCatalog
import Crypto
import JSON

extension ModelSchema {
    /// A catalogue model's schema, read from its entry in the catalogue's dialect, with its row of the per-model
    /// table. Defaults of media fields and empty-string defaults are never written; nor is a default the field's
    /// own rules refuse (it would send what the schema calls invalid).
    public convenience init(entry: CatalogEntry) {
        let fields = entry.schema.fields.map { Self.field($0, required: entry.schema.required.contains($0.name)) }
        let unit: ModelPrice.Unit? = switch entry.priceUnit {
        case "second": .second
        case "output": .output
        default: entry.outputKind == .image ? .output : (entry.outputKind == .video ? .second : nil)
        }
        let rules = ModelRules.forCatalogModel(entry.modelID, fields: entry.schema.fields, pricingNote: entry.pricingNote)
        let price = unit.map { ModelPrice(basePriceUSD: entry.basePriceUSD, unit: $0, rules: rules, source: .snapshot) }
        let digest = Hex.lowercase(Array(SHA256.hash(data: entry.inputSchemaJSON.sortedKeys().compactBytes)).prefix(12))
        self.init(modelID: entry.modelID, fields: fields, rules: rules, outputKind: entry.outputKind, publishedPrice: price, schemaDigest: digest, hasInputSchema: entry.hasInputSchema)
    }

    private static func field(_ schema: FieldSchema, required: Bool) -> Field {
        let kind = self.kind(schema)
        var defaultValue: BodyValue?
        if let written = schema.defaultValue, schema.media == nil {
            defaultValue = value(written, for: kind)
            if case .string("")? = defaultValue { defaultValue = nil }
        }
        return Field(schema.name, kind, required: required, default: defaultValue)
    }

    static func kind(_ schema: FieldSchema) -> Field.Kind {
        if let media = schema.media {
            let kind = MediaKind(media.kind)
            return media.many ? .list(.media(kind), minItems: schema.minItems, maxItems: schema.maxItems) : .media(kind)
        }
        if let choices = schema.choices, !choices.isEmpty {
            return .choice(choices.compactMap { choice in
                switch choice {
                case .string(let text): .string(text)
                case .int(let number): .integer(number)
                case .number(let number): number == number.rounded() && abs(number) < 1e15 ? .integer(Int(number)) : .number(number)
                case .bool(let flag): .boolean(flag)
                default: nil
                }
            })
        }
        switch schema.kind {
        case .string: return .string(minLength: schema.minLength, maxLength: schema.maxLength)
        case .integer:
            // Bounds outside the integers (or not finite) bound nothing.
            let lower = schema.minimum.flatMap { $0.isFinite && abs($0) < 9e18 ? Int($0.rounded(.up)) : nil } ?? Int.min
            let upper = schema.maximum.flatMap { $0.isFinite && abs($0) < 9e18 ? Int($0.rounded(.down)) : nil } ?? Int.max
            return .integer(lower <= upper ? lower...upper : lower...lower)
        case .number: return .number(minimum: schema.minimum, maximum: schema.maximum)
        case .boolean: return .boolean
        case .array:
            switch schema.items {
            case .object(let itemFields, let itemRequired)?:
                return .objects(
                    fields: itemFields.map { field($0, required: itemRequired.contains($0.name)) },
                    minItems: schema.minItems, maxItems: schema.maxItems
                )
            case .value(let item)?:
                return .list(kind(item), minItems: schema.minItems, maxItems: schema.maxItems)
            case nil:
                return .list(.any, minItems: schema.minItems, maxItems: schema.maxItems)
            }
        case .object, .any: return .any
        }
    }

    /// A catalogue default as a body value of the field's kind; nil if it is not one.
    private static func value(_ json: JSONValue, for kind: Field.Kind) -> BodyValue? {
        switch (kind, json) {
        case (.string(let minLength, let maxLength), .string(let text)):
            let length = text.unicodeScalars.count
            return length >= (minLength ?? 0) && length <= (maxLength ?? Int.max) ? .string(text) : nil
        case (.text, .string(let text)): return .string(text)
        case (.integer(let range), .int(let number)): return range.contains(number) ? .integer(number) : nil
        case (.integer(let range), .number(let number)):
            return number == number.rounded() && abs(number) < 1e15 && range.contains(Int(number)) ? .integer(Int(number)) : nil
        case (.number(let minimum, let maximum), _):
            guard let number = json.double, number >= (minimum ?? -.infinity), number <= (maximum ?? .infinity) else { return nil }
            return .number(number)
        case (.boolean, .bool(let flag)): return .boolean(flag)
        case (.choice(let options), _):
            let candidate: BodyValue? = switch json {
            case .string(let text): .string(text)
            case .int(let number): .integer(number)
            case .number(let number): number == number.rounded() && abs(number) < 1e15 ? .integer(Int(number)) : .number(number)
            case .bool(let flag): .boolean(flag)
            default: nil
            }
            return candidate.flatMap { value in options.contains(value) ? value : nil }
        case (.list, .array(let items)) where items.isEmpty: return nil
        case (.any, _), (.list, .array), (.objects, .array): return .json(json)
        default: return nil
        }
    }
}

extension MediaKind {
    init(_ media: FieldSchema.Media) {
        self = switch media {
        case .image: .image
        case .video: .video
        case .audio: .audio
        }
    }
}
