public import JobManifest

/// Reads ledger lines back: a small JSON reader for the flat objects the ledger writes (nested values are
/// kept as `JSONValue`).
enum LedgerLineParser {
    struct Malformed: Error {}

    static func parse(_ line: String) throws(Malformed) -> LedgerEvent {
        var parser = Parser(bytes: Array(line.utf8))
        guard case .object(let members) = try parser.value(depth: 0) else { throw Malformed() }
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Malformed() }
        var kind: LedgerEvent.Kind?
        var time = ""
        var job = ""
        var fields: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            switch (key, value) {
            case ("v", _): continue
            case ("t", .string(let text)): time = text
            case ("event", .string(let name)): kind = LedgerEvent.Kind(rawValue: name)
            case ("job", .string(let id)): job = id
            default: fields.append((key, value))
            }
        }
        guard let kind else { throw Malformed() }
        return LedgerEvent(kind, job: job, time: time, fields)
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ word: String) throws(Malformed) {
            for byte in word.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw Malformed() }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Malformed) -> JSONValue {
            guard depth < 32 else { throw Malformed() }
            skipSpace()
            guard index < bytes.count else { throw Malformed() }
            switch bytes[index] {
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw Malformed() }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: JSONValue)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard index < bytes.count else { throw Malformed() }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            default:
                let start = index
                while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                if let integer = Int(text) { return .int(integer) }
                guard let number = Double(text) else { throw Malformed() }
                return .number(number)
            }
        }

        mutating func string() throws(Malformed) -> String {
            try expect("\"")
            var raw: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: raw, as: UTF8.self) }
                guard byte == UInt8(ascii: "\\") else {
                    raw.append(byte)
                    continue
                }
                guard index < bytes.count else { throw Malformed() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                    else { throw Malformed() }
                    index += 4
                    raw.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
                default: raw.append(escape)
                }
            }
            throw Malformed()
        }
    }
}
