/// Reading JSON text back into a `JSONValue` (objects keep their member order).
///
/// The reader works on UTF-8 bytes in place: a string without escapes becomes a `String` straight from its bytes,
/// and a plain integer is read without making text of it first. Folding a large ledger is mostly this.
extension JSONValue {
    /// Where a JSON text stopped making sense.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// The byte offset.
        public let offset: Int
    }

    /// Parses one JSON value filling the whole text (surrounding whitespace allowed). Integers that fit stay
    /// integers; nesting deeper than 64 is refused.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(SyntaxError) in try parse(utf8: bytes) }
        }
        return try result.get()
    }

    /// Parses one JSON value filling the whole of `bytes` (surrounding whitespace allowed).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw SyntaxError(offset: parser.index) }
        return value
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8) throws(JSONValue.SyntaxError) {
            guard index < bytes.count, bytes[index] == byte else { throw JSONValue.SyntaxError(offset: index) }
            index += 1
        }

        mutating func expect(_ word: StaticString) throws(JSONValue.SyntaxError) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw JSONValue.SyntaxError(offset: index) }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw JSONValue.SyntaxError(offset: index + offset)
            }
            index += count
        }

        mutating func value(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
            guard depth < 64 else { throw JSONValue.SyntaxError(offset: index) }
            skipSpace()
            guard index < bytes.count else { throw JSONValue.SyntaxError(offset: index) }
            switch bytes[index] {
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                if closes(UInt8(ascii: "]")) { return .array(items) }
                repeat {
                    items.append(try value(depth: depth + 1))
                } while try another(closing: UInt8(ascii: "]"))
                return .array(items)
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: JSONValue)] = []
                if closes(UInt8(ascii: "}")) { return .object(members) }
                repeat {
                    let key = try self.key()
                    members.append((key, try value(depth: depth + 1)))
                } while try another(closing: UInt8(ascii: "}"))
                return .object(members)
            default:
                return try number()
            }
        }

        /// An object member's key and its colon.
        mutating func key() throws(JSONValue.SyntaxError) -> String {
            skipSpace()
            let key = try string()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            return key
        }

        /// Right after a list opens: true (and past it) if `closing` comes first, so the list is empty.
        mutating func closes(_ closing: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == closing else { return false }
            index += 1
            return true
        }

        /// After an item of a list: true past a comma (another item follows), false past `closing`.
        mutating func another(closing: UInt8) throws(JSONValue.SyntaxError) -> Bool {
            skipSpace()
            guard index < bytes.count else { throw JSONValue.SyntaxError(offset: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                return true
            }
            try expect(closing)
            return false
        }

        /// Checks one value as `value(depth:)` would read it, building nothing; leaves `index` after it.
        mutating func skipValue(depth: Int) throws(JSONValue.SyntaxError) {
            guard depth < 64 else { throw JSONValue.SyntaxError(offset: index) }
            skipSpace()
            guard index < bytes.count else { throw JSONValue.SyntaxError(offset: index) }
            switch bytes[index] {
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "\""): try skipString()
            case UInt8(ascii: "["):
                index += 1
                if closes(UInt8(ascii: "]")) { return }
                repeat {
                    try skipValue(depth: depth + 1)
                } while try another(closing: UInt8(ascii: "]"))
            case UInt8(ascii: "{"):
                index += 1
                if closes(UInt8(ascii: "}")) { return }
                repeat {
                    skipSpace()
                    try skipString()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    try skipValue(depth: depth + 1)
                } while try another(closing: UInt8(ascii: "}"))
            default:
                let start = index
                if bytes[index] == UInt8(ascii: "-") { index += 1 }
                let digitsStart = index
                while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
                if index > digitsStart, index == bytes.count || !Self.isNumberByte(bytes[index]) { return }
                index = start
                _ = try number()  // anything but a plain integer: checked the slow way
            }
        }

        /// Checks a string (escapes included) without making it.
        mutating func skipString() throws(JSONValue.SyntaxError) {
            try expect(UInt8(ascii: "\""))
            skipPlainWords()
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw JSONValue.SyntaxError(offset: index) }
                    let escape = bytes[index]
                    index += 1
                    if escape == UInt8(ascii: "u") { _ = try hex4() }
                default:
                    index += 1
                }
            }
            throw JSONValue.SyntaxError(offset: index)
        }

        /// Moves past string bytes eight at a time while none of the eight is `"` or `\\` (`ByteWords`).
        mutating func skipPlainWords() {
            guard let base = bytes.baseAddress else { return }
            while index + 8 <= bytes.count, ByteWords.quoteOrBackslash(ByteWords.load(base, at: index)) == 0 { index += 8 }
        }

        /// A number: a plain integer of up to 18 digits is read directly; anything else goes through the
        /// standard library's readers.
        mutating func number() throws(JSONValue.SyntaxError) -> JSONValue {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
            var magnitude = 0
            var digits = 0
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                magnitude = magnitude &* 10 &+ Int(bytes[index] &- UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            let ended = index == bytes.count || !Self.isNumberByte(bytes[index])
            if ended, digits > 0, digits <= 18 { return .int(negative ? -magnitude : magnitude) }
            index = start
            while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if let integer = Int(text) { return .int(integer) }
            guard let number = Double(text) else { throw JSONValue.SyntaxError(offset: index) }
            return .number(number)
        }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): true
            default: false
            }
        }

        mutating func string() throws(JSONValue.SyntaxError) -> String {
            try expect(UInt8(ascii: "\""))
            let start = index
            skipPlainWords()
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                case UInt8(ascii: "\\"):
                    return try escapedString(from: start)
                default:
                    index += 1
                }
            }
            throw JSONValue.SyntaxError(offset: index)
        }

        /// The rest of a string that has escapes, from its first byte.
        mutating func escapedString(from start: Int) throws(JSONValue.SyntaxError) -> String {
            var raw = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: raw, as: UTF8.self) }
                guard byte == UInt8(ascii: "\\") else {
                    raw.append(byte)
                    continue
                }
                guard index < bytes.count else { throw JSONValue.SyntaxError(offset: index) }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        let mark = index
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            index = mark  // not a pair: the high half stands alone
                        }
                    }
                    raw.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
                default: raw.append(escape)
                }
            }
            throw JSONValue.SyntaxError(offset: index)
        }

        mutating func hex4() throws(JSONValue.SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw JSONValue.SyntaxError(offset: index) }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw JSONValue.SyntaxError(offset: index)
                }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }
    }
}
