/// A JSON value located in UTF-8 bytes and read only as far as asked: an object's members as key and slice, an
/// array's elements as slices, a string or number when wanted. Nothing is built for what is not read, so reading a
/// few fields of a ledger line costs a few small allocations instead of a whole `JSONValue` tree.
///
/// The bytes are checked once, when the root is made; a slice is valid only while the buffer it was made from is.
package struct JSONSlice {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let range: Range<Int>

    /// Checks that `bytes` hold one JSON value (surrounding whitespace allowed) and locates it.
    package init(root bytes: UnsafeBufferPointer<UInt8>) throws(JSONValue.SyntaxError) {
        var parser = JSONValue.Parser(bytes: bytes)
        parser.skipSpace()
        let start = parser.index
        try parser.skipValue(depth: 0)
        let end = parser.index
        parser.skipSpace()
        guard parser.index == bytes.count else { throw JSONValue.SyntaxError(offset: parser.index) }
        self.init(bytes, start..<end)
    }

    /// Checks that `bytes` hold one JSON object and returns its members, in one pass over the bytes (what a ledger
    /// line is read with).
    package static func rootMembers(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONValue.SyntaxError) -> [(key: String, value: JSONSlice)] {
        var parser = JSONValue.Parser(bytes: bytes)
        var result: [(key: String, value: JSONSlice)] = []
        result.reserveCapacity(8)
        parser.skipSpace()
        try parser.expect(UInt8(ascii: "{"))
        if !parser.closes(UInt8(ascii: "}")) {
            repeat {
                let key = try parser.key()
                parser.skipSpace()
                let start = parser.index
                try parser.skipValue(depth: 1)
                result.append((key, JSONSlice(bytes, start..<parser.index)))
            } while try parser.another(closing: UInt8(ascii: "}"))
        }
        parser.skipSpace()
        guard parser.index == bytes.count else { throw JSONValue.SyntaxError(offset: parser.index) }
        return result
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.bytes = bytes
        self.range = range
    }

    private var first: UInt8 { bytes[range.lowerBound] }

    private func parser() -> JSONValue.Parser {
        var parser = JSONValue.Parser(bytes: bytes)
        parser.index = range.lowerBound
        return parser
    }

    /// An object's members in order (nil if this is not an object). The bytes were checked at the root, so
    /// reading them again cannot fail.
    package var members: [(key: String, value: JSONSlice)]? {
        guard first == UInt8(ascii: "{") else { return nil }
        var parser = parser()
        parser.index += 1
        var result: [(key: String, value: JSONSlice)] = []
        if parser.closes(UInt8(ascii: "}")) { return result }
        repeat {
            guard let key = try? parser.key() else { return nil }
            parser.skipSpace()
            let start = parser.index
            guard (try? parser.skipValue(depth: 0)) != nil else { return nil }
            result.append((key, JSONSlice(bytes, start..<parser.index)))
        } while (try? parser.another(closing: UInt8(ascii: "}"))) == true
        return result
    }

    /// An array's elements in order (nil if this is not an array).
    package var elements: [JSONSlice]? {
        guard first == UInt8(ascii: "[") else { return nil }
        var parser = parser()
        parser.index += 1
        var result: [JSONSlice] = []
        if parser.closes(UInt8(ascii: "]")) { return result }
        repeat {
            parser.skipSpace()
            let start = parser.index
            guard (try? parser.skipValue(depth: 0)) != nil else { return nil }
            result.append(JSONSlice(bytes, start..<parser.index))
        } while (try? parser.another(closing: UInt8(ascii: "]"))) == true
        return result
    }

    /// The string, if this is one.
    package var string: String? {
        guard first == UInt8(ascii: "\"") else { return nil }
        var parser = parser()
        return try? parser.string()
    }

    /// The value as a `JSONValue` (built in full).
    package var value: JSONValue {
        // Checked at the root: parsing the same bytes again cannot fail.
        (try? JSONValue.parse(utf8: UnsafeBufferPointer(rebasing: bytes[range]))) ?? .null
    }

    /// The integer, if this is a number that is one.
    package var int: Int? {
        if case .int(let value) = number { return value }
        return nil
    }

    /// The number, if this is one (`.int` or `.number`).
    package var number: JSONValue? {
        switch first {
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var parser = parser()
            return try? parser.number()
        default:
            return nil
        }
    }

    /// The boolean, if this is one.
    package var bool: Bool? {
        switch first {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }
}
