import JSON
/// A body's JSON written straight to bytes, keys sorted and no spaces: the canonical form the key covers (the hot
/// path of computing 100,000 keys; it must equal `json(images: .digest).compact` byte for byte, and a test holds the
/// two together) and the form sent to the API (local files as data URIs), each encoded once.
extension RequestBody {
    /// Appends the body's canonical JSON (keys sorted, no spaces, local images as `sha256:<hex>`).
    func appendCanonicalJSON(to out: inout [UInt8]) {
        appendJSON(to: &out) { source, out in
            switch source {
            case .url(let text): Self.appendString(text, to: &out)
            case .file(let file): Self.appendString("sha256:" + file.sha256, to: &out)
            case .reference(let reference): Self.appendString(reference.placeholder, to: &out)
            case .resolved(let input): Self.appendString(input.keyText, to: &out)
            }
        }
    }

    /// The body as the API receives it: keys sorted, no spaces, each local file (and each built reference) written by
    /// `encode` between the quotes of its string (a data URI's text, which needs no escaping). A reference not yet
    /// built is `BodyNotBuilt`: it is never sent as a placeholder.
    public func wireJSON(encoding encode: (LocalMedia, inout [UInt8]) throws -> Void) throws -> [UInt8] {
        var out: [UInt8] = []
        try appendJSON(to: &out) { source, out in
            switch source {
            case .url(let text): Self.appendString(text, to: &out)
            case .file(let file):
                out.append(UInt8(ascii: "\""))
                try encode(file, &out)
                out.append(UInt8(ascii: "\""))
            case .resolved(let input):
                guard let file = input.file else { throw BodyNotBuilt(reference: input.reference) }
                out.append(UInt8(ascii: "\""))
                try encode(file, &out)
                out.append(UInt8(ascii: "\""))
            case .reference(let reference): throw BodyNotBuilt(reference: reference)
            }
        }
        return out
    }

    /// Appends the body's JSON, each media value as `media` writes it.
    private func appendJSON(to out: inout [UInt8], media: (MediaSource, inout [UInt8]) throws -> Void) rethrows {
        out.append(UInt8(ascii: "{"))
        var first = true
        for position in schema.canonicalOrder {
            let value = values[position]
            if case .absent = value { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            Self.appendString(schema.fields[position].name, to: &out)
            out.append(UInt8(ascii: ":"))
            try Self.append(value, field: schema.fields[position], itemOrder: schema.itemOrder(of: position), media: media, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func append(
        _ value: BodyValue, field: ModelSchema.Field?, itemOrder: [Int], media: (MediaSource, inout [UInt8]) throws -> Void, to out: inout [UInt8]
    ) rethrows {
        switch value {
        case .absent:
            out.append(contentsOf: "null".utf8)
        case .string(let text):
            appendString(text, to: &out)
        case .media(let source):
            try media(source, &out)
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
                try append(item, field: nil, itemOrder: [], media: media, to: &out)
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
                    try append(item[position], field: itemFields[position], itemOrder: [], media: media, to: &out)
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
