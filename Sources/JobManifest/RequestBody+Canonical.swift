import JSON
/// The canonical JSON of a body, written straight to bytes: the hot path of computing 100,000 keys. It must
/// equal `json(images: .digest).compact` byte for byte (a test holds the two together).
extension RequestBody {
    /// Appends the body's canonical JSON (keys sorted, no spaces, local images as `sha256:<hex>`).
    func appendCanonicalJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for position in schema.canonicalOrder {
            let value = values[position]
            if case .absent = value { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            Self.appendString(schema.fields[position].name, to: &out)
            out.append(UInt8(ascii: ":"))
            Self.append(value, field: schema.fields[position], itemOrder: schema.itemOrder(of: position), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func append(_ value: BodyValue, field: ModelSchema.Field?, itemOrder: [Int], to out: inout [UInt8]) {
        switch value {
        case .absent:
            out.append(contentsOf: "null".utf8)
        case .string(let text), .media(.url(let text)):
            appendString(text, to: &out)
        case .media(.file(let file)):
            appendString("sha256:" + file.sha256, to: &out)
        case .media(.reference(let reference)):
            appendString(reference.placeholder, to: &out)
        case .media(.resolved(let input)):
            appendString(input.keyText, to: &out)
        case .integer(let number):
            out.append(contentsOf: String(number).utf8)
        case .number(let number):
            out.append(contentsOf: JSONValue.format(number).utf8)
        case .boolean(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .json(let json):
            out.append(contentsOf: json.sortedKeys().compactBytes)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if case .absent = item { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                append(item, field: nil, itemOrder: [], to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .segments(let items):
            guard case .objects(let itemFields, _, _)? = field?.kind else {
                out.append(contentsOf: "null".utf8)
                return
            }
            let order = itemOrder.isEmpty ? ModelSchema.sortedPositions(itemFields) : itemOrder
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                var first = true
                for position in order where position < item.count {
                    if case .absent = item[position] { continue }
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    appendString(itemFields[position].name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    append(item[position], field: itemFields[position], itemOrder: [], to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    /// A JSON string with the minimal escaping `JSONValue` uses.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        JSONValue.writeString(text, to: &out)
    }
}
