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
            Self.append(value, itemOrder: schema.itemOrder(of: position), itemFields: schema.itemFieldNames(of: position), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func append(_ value: BodyValue, itemOrder: [Int], itemFields: [String], to out: inout [UInt8]) {
        switch value {
        case .absent:
            out.append(contentsOf: "null".utf8)
        case .string(let text), .image(.url(let text)):
            appendString(text, to: &out)
        case .image(.file(let image)):
            appendString("sha256:" + image.sha256, to: &out)
        case .integer(let number):
            out.append(contentsOf: String(number).utf8)
        case .boolean(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .segments(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                var first = true
                for position in itemOrder where position < item.count {
                    if case .absent = item[position] { continue }
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    appendString(itemFields[position], to: &out)
                    out.append(UInt8(ascii: ":"))
                    append(item[position], itemOrder: [], itemFields: [], to: &out)
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
