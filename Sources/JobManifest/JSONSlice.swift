/// A JSON value located in UTF-8 bytes and read only as far as asked: an object's members as key and slice, an
/// array's elements as slices, a string or number when wanted. Nothing is built for what is not read, so reading a
/// few fields of a ledger line costs a few small allocations instead of a whole `JSONValue` tree.
///
/// The bytes are checked once, when the root is made; a slice is valid only while the buffer it was made from is.
public struct JSONSlice {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let range: Range<Int>

    /// Checks that `bytes` hold one JSON value (surrounding whitespace allowed) and locates it.
    public init(root bytes: UnsafeBufferPointer<UInt8>) throws(JSONValue.SyntaxError) {
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
    public static func rootMembers(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONValue.SyntaxError) -> [(key: String, value: JSONSlice)] {
        var parser = JSONValue.Parser(bytes: bytes)
        var result: [(key: String, value: JSONSlice)] = []
        result.reserveCapacity(8)
        parser.skipSpace()
        try parser.expect(UInt8(ascii: "{"))
        parser.skipSpace()
        if parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "}") {
            parser.index += 1
        } else {
            while true {
                parser.skipSpace()
                let key = try parser.string()
                parser.skipSpace()
                try parser.expect(UInt8(ascii: ":"))
                parser.skipSpace()
                let start = parser.index
                try parser.skipValue(depth: 1)
                result.append((key, JSONSlice(bytes, start..<parser.index)))
                parser.skipSpace()
                guard parser.index < bytes.count else { throw JSONValue.SyntaxError(offset: parser.index) }
                if bytes[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
                try parser.expect(UInt8(ascii: "}"))
                break
            }
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

    /// An object's members in order (nil if this is not an object).
    public var members: [(key: String, value: JSONSlice)]? {
        guard first == UInt8(ascii: "{") else { return nil }
        var parser = parser()
        var result: [(key: String, value: JSONSlice)] = []
        parser.index += 1
        parser.skipSpace()
        // Checked at the root: none of these can fail.
        while parser.index < range.upperBound - 1 {
            parser.skipSpace()
            guard let key = try? parser.string() else { return nil }
            parser.skipSpace()
            parser.index += 1  // ":"
            parser.skipSpace()
            let start = parser.index
            guard (try? parser.skipValue(depth: 0)) != nil else { return nil }
            result.append((key, JSONSlice(bytes, start..<parser.index)))
            parser.skipSpace()
            parser.index += 1  // "," or "}"
        }
        return result
    }

    /// An array's elements in order (nil if this is not an array).
    public var elements: [JSONSlice]? {
        guard first == UInt8(ascii: "[") else { return nil }
        var parser = parser()
        var result: [JSONSlice] = []
        parser.index += 1
        parser.skipSpace()
        while parser.index < range.upperBound - 1 {
            parser.skipSpace()
            let start = parser.index
            guard (try? parser.skipValue(depth: 0)) != nil else { return nil }
            result.append(JSONSlice(bytes, start..<parser.index))
            parser.skipSpace()
            parser.index += 1  // "," or "]"
        }
        return result
    }

    /// The string, if this is one.
    public var string: String? {
        guard first == UInt8(ascii: "\"") else { return nil }
        var parser = parser()
        return try? parser.string()
    }

    /// The value as a `JSONValue` (built in full).
    public var value: JSONValue {
        // Checked at the root: parsing the same bytes again cannot fail.
        (try? JSONValue.parse(utf8: UnsafeBufferPointer(rebasing: bytes[range]))) ?? .null
    }

    /// The integer, if this is a number that is one.
    public var int: Int? {
        if case .int(let value) = number { return value }
        return nil
    }

    /// The number, if this is one (`.int` or `.number`).
    public var number: JSONValue? {
        switch first {
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var parser = parser()
            return try? parser.number()
        default:
            return nil
        }
    }

    /// The boolean, if this is one.
    public var bool: Bool? {
        switch first {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }
}
