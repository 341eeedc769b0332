import JSON
import ModelCatalog

/// `models show`: a model's fields as people and scripts read them.
enum ModelDescription {
    static func text(_ entry: CatalogEntry, source: String) -> String {
        var lines = ["\(entry.modelID): \(entry.outputKind.rawValue) output, priced per \(entry.priceUnit ?? "?")" + (entry.basePriceUSD.map { " at $\($0)" } ?? " (price unknown)")]
        if let url = entry.sourceURL { lines.append("source: \(url)" + (entry.sourceDate.map { " (\($0))" } ?? "")) }
        for field in entry.schema.fields { lines += describe(field, required: entry.schema.required.contains(field.name), indent: "  ") }
        if !entry.schema.ignored.isEmpty { lines.append("ignored keywords: " + entry.schema.ignored.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ field: FieldSchema, required: Bool, indent: String) -> [String] {
        var parts = [field.kind.rawValue]
        if let media = field.media { parts.append("\(media.kind.rawValue) media" + (media.many ? ", several" : "")) }
        if let range = range(field) { parts.append(range) }
        if let choices = field.choices { parts.append("one of " + choices.map(\.compact).joined(separator: ", ")) }
        if let value = field.defaultValue { parts.append("default " + value.compact) }
        if required { parts.append("required") }
        if !field.ignored.isEmpty { parts.append("ignored: " + field.ignored.joined(separator: ", ")) }
        var lines = ["\(indent)\(field.name): " + parts.joined(separator: "; ")]
        switch field.items {
        case .object(let fields, let itemRequired)?:
            for item in fields { lines += describe(item, required: itemRequired.contains(item.name), indent: indent + "  ") }
        case .value(let item)?:
            lines += describe(item, required: false, indent: indent + "  ")
        case nil:
            break
        }
        return lines
    }

    private static func range(_ field: FieldSchema) -> String? {
        func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        if field.minimum != nil || field.maximum != nil {
            return "\(field.minimum.map(number) ?? "")..\(field.maximum.map(number) ?? "")"
        }
        if field.minLength != nil || field.maxLength != nil { return "length \(field.minLength.map(String.init) ?? "0")..\(field.maxLength.map(String.init) ?? "")" }
        if field.minItems != nil || field.maxItems != nil { return "\(field.minItems.map(String.init) ?? "0")..\(field.maxItems.map(String.init) ?? "") items" }
        return nil
    }

    static func json(_ entry: CatalogEntry) -> JSONValue {
        .object([
            ("model_id", .string(entry.modelID)),
            ("output_kind", .string(entry.outputKind.rawValue)),
            ("price_unit", entry.priceUnit.map(JSONValue.string) ?? .null),
            ("base_price_usd", entry.basePriceUSD.map { .number($0) } ?? .null),
            ("fields", .array(entry.schema.fields.map { fieldJSON($0, required: entry.schema.required.contains($0.name)) })),
            ("ignored", .array(entry.schema.ignored.map(JSONValue.string))),
        ])
    }

    private static func fieldJSON(_ field: FieldSchema, required: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(field.name)), ("type", .string(field.kind.rawValue)),
            ("minimum", field.minimum.map { .number($0) } ?? .null), ("maximum", field.maximum.map { .number($0) } ?? .null),
            ("min_length", field.minLength.map { .int($0) } ?? .null), ("max_length", field.maxLength.map { .int($0) } ?? .null),
            ("min_items", field.minItems.map { .int($0) } ?? .null), ("max_items", field.maxItems.map { .int($0) } ?? .null),
            ("choices", field.choices.map { .array($0) } ?? .null), ("default", field.defaultValue ?? .null),
            ("required", .bool(required)), ("media", field.media.map { .string($0.kind.rawValue + ($0.many ? "s" : "")) } ?? .null),
            ("ignored", .array(field.ignored.map(JSONValue.string))),
        ]
        switch field.items {
        case .object(let fields, let itemRequired)?:
            members.append(("items", .array(fields.map { fieldJSON($0, required: itemRequired.contains($0.name)) })))
        case .value(let item)?:
            members.append(("items", fieldJSON(item, required: false)))
        case nil:
            break
        }
        return .object(members)
    }
}
