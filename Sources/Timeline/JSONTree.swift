/// A JSON value with its object keys in the order written: what the OTIO export builds, then prints.
package enum JSONTree: Sendable {
    case object([(key: String, value: JSONTree)])
    case array([JSONTree])
    case string(String)
    /// A number's literal text, written as is (`24.0`, `120`).
    case number(String)
    case bool(Bool)
    case null

    /// Pretty-printed, four spaces a level, `"key": value`, empty containers as `{}` and `[]`.
    package func rendered(depth: Int = 0) -> String {
        let inner = String(repeating: "    ", count: depth + 1)
        let outer = String(repeating: "    ", count: depth)
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let lines = members.map { inner + JSONTree.quoted($0.key) + ": " + $0.value.rendered(depth: depth + 1) }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + outer + "}"
        case .array(let elements):
            if elements.isEmpty { return "[]" }
            let lines = elements.map { inner + $0.rendered(depth: depth + 1) }
            return "[\n" + lines.joined(separator: ",\n") + "\n" + outer + "]"
        case .string(let text): return JSONTree.quoted(text)
        case .number(let literal): return literal
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    /// `text` as a JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, ... or `\u00XX`,
    /// everything else as is (the output is UTF-8).
    package static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let digits = Array("0123456789abcdef".unicodeScalars)
                out += "\\u00"
                out.unicodeScalars.append(digits[Int(scalar.value >> 4)])
                out.unicodeScalars.append(digits[Int(scalar.value & 0xF)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
