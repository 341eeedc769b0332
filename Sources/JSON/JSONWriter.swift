/// A JSON value with its object members in a chosen order, and the one writer shotrunner uses for JSON whose
/// bytes matter (request bodies, keys, `--json` output).
///
/// The compact form is canonical: no spaces; integers as integers; strings escaped minimally (`"`, `\`, and
/// control characters below U+0020 as `\b \f \n \r \t` or `\u00xx` in lowercase hex; everything else, `/` and
/// non-ASCII included, as its UTF-8 bytes); object members in the order given (`sortedKeys()` sorts them by
/// their UTF-8 bytes, recursively).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The same value with every object's members sorted by key (bytewise).
    public func sortedKeys() -> JSONValue {
        switch self {
        case .array(let items): .array(items.map { $0.sortedKeys() })
        case .object(let members):
            .object(members.map { ($0.key, $0.value.sortedKeys()) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        default: self
        }
    }

    /// The compact (canonical) text.
    public var compact: String {
        String(decoding: compactBytes, as: UTF8.self)
    }

    /// The compact text's UTF-8 bytes.
    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented text for people, two spaces a level.
    public var pretty: String {
        var out: [UInt8] = []
        write(to: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text to `out`: compact with no `indent`, else `indent` spaces a level. (Bytes, not a `String`:
    /// appending many small pieces to a byte array is several times faster, and a 100,000-job `status --json`
    /// is mostly this.)
    public func write(to out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): JSONValue.appendInteger(value, to: &out)
        case .number(let value): out.append(contentsOf: JSONValue.format(value).utf8)
        case .string(let value): JSONValue.writeString(value, to: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, indent, level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            JSONValue.newline(&out, indent, level)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, indent, level + 1)
                JSONValue.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                member.value.write(to: &out, indent: indent, level: level + 1)
            }
            JSONValue.newline(&out, indent, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends an object as `write(to:indent:level:)` would (at level 0) with a member, `key`, whose value is an array
    /// made one element at a time: the whole array never exists at once, which for a 100,000-job report is most of
    /// the memory the document would take.
    /// `flush`, if given, is handed `out` whenever it passes 1 MiB, to write it somewhere and empty it.
    /// Members in `trailing` follow the array.
    public static func writeObject(
        _ members: [(key: String, value: JSONValue)], thenArray key: String, count: Int,
        trailing: [(key: String, value: JSONValue)] = [], indent: Int?,
        to out: inout [UInt8], flush: ((inout [UInt8]) -> Void)? = nil, element: (Int) -> JSONValue
    ) {
        writeObject(members, thenArray: key, count: count, trailing: trailing, indent: indent, to: &out, flush: flush) { position, out in
            element(position).write(to: &out, indent: indent, level: 2)
        }
    }

    /// The same, each element written by `writeElement` itself (at level 2), with no `JSONValue` made of it.
    public static func writeObject(
        _ members: [(key: String, value: JSONValue)], thenArray key: String, count: Int,
        trailing: [(key: String, value: JSONValue)] = [], indent: Int?,
        to out: inout [UInt8], flush: ((inout [UInt8]) -> Void)? = nil, writeElement: (Int, inout [UInt8]) -> Void
    ) {
        writeObject(members, thenArray: key, count: count, trailing: trailing, indent: indent, to: &out) { out in
            for position in 0..<count {
                writeSeparatedElement(position, indent: indent, to: &out, writeElement)
                if let flush, out.count >= 1 << 20 { flush(&out) }
            }
        }
    }

    /// The same, with the elements written on two threads (`JSONLanes`): the same bytes, for documents of many
    /// thousand elements where writing them is most of a command's time. `flush` is required: the lanes' blocks
    /// are handed to it as they are done.
    public static func writeObjectInLanes(
        _ members: [(key: String, value: JSONValue)], thenArray key: String, count: Int,
        trailing: [(key: String, value: JSONValue)] = [], indent: Int?,
        to out: inout [UInt8], flush: (inout [UInt8]) -> Void, writeElement: @Sendable (Int, inout [UInt8]) -> Void
    ) {
        writeObject(members, thenArray: key, count: count, trailing: trailing, indent: indent, to: &out) { out in
            JSONLanes.write(count: count, to: &out, flush: flush) { position, out in
                writeSeparatedElement(position, indent: indent, to: &out, writeElement)
            }
        }
    }

    /// An array element with what goes before it: a comma after the first, then its line's indent.
    static func writeSeparatedElement(
        _ position: Int, indent: Int?, to out: inout [UInt8], _ writeElement: (Int, inout [UInt8]) -> Void
    ) {
        if position > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent, 2)
        writeElement(position, &out)
    }

    /// The object around the array: `writeElements` writes the array's elements (for `count` > 0).
    private static func writeObject(
        _ members: [(key: String, value: JSONValue)], thenArray key: String, count: Int,
        trailing: [(key: String, value: JSONValue)], indent: Int?, to out: inout [UInt8], writeElements: (inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: "{"))
        for member in members {
            newline(&out, indent, 1)
            writeString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            if indent != nil { out.append(UInt8(ascii: " ")) }
            member.value.write(to: &out, indent: indent, level: 1)
            out.append(UInt8(ascii: ","))
        }
        newline(&out, indent, 1)
        writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        if count == 0 {
            out.append(contentsOf: "[]".utf8)
        } else {
            out.append(UInt8(ascii: "["))
            writeElements(&out)
            newline(&out, indent, 1)
            out.append(UInt8(ascii: "]"))
        }
        for member in trailing {
            out.append(UInt8(ascii: ","))
            newline(&out, indent, 1)
            writeString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            if indent != nil { out.append(UInt8(ascii: " ")) }
            member.value.write(to: &out, indent: indent, level: 1)
        }
        newline(&out, indent, 0)
        out.append(UInt8(ascii: "}"))
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        appendNewline(indent * level, to: &out)
    }

    /// A newline and `spaces` spaces, copied from one prepared run of them (appending a repeated element was a
    /// twentieth of a 100,000-job `status --json`).
    static func appendNewline(_ spaces: Int, to out: inout [UInt8]) {
        // A literal, not a stored array: the bytes are constant, so two threads writing at once share no reference
        // count (a shared array's was a fifth of `status --json`, retained and released from both cores).
        let run: StaticString = "\n                                                               "
        if spaces < run.utf8CodeUnitCount {
            out.append(contentsOf: UnsafeBufferPointer(start: run.utf8Start, count: spaces + 1))
        } else {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
        }
    }

    /// An integer's decimal digits, without making a `String` of it.
    public static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// A double as JSON, in ECMAScript's `Number::toString` form: the shortest digits that read back the same
    /// value, `1.0` as `1`, plain notation from 1e-6 up to 1e21, exponent notation (`1e-7`, `1.5e+21`) beyond.
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        // From 0.0001 up, Swift's description is already ECMAScript's form (shortest digits, no exponent, and never
        // a trailing ".0" here: integers were handled above). Below it Swift writes an exponent sooner.
        if abs(value) >= 1e-4, abs(value) < 1e15 {
            let description = "\(value)"
            if !description.utf8.contains(UInt8(ascii: "e")) { return description }
        }
        // Swift's description gives the shortest round-trip digits; only their layout differs from ECMAScript's.
        let (digits, exponent) = shortestDigits(abs(value))
        let k = digits.count
        let n = exponent  // value = 0.d1d2...dk x 10^n
        var text = value < 0 ? "-" : ""
        if k <= n, n <= 21 {
            text += digits + String(repeating: "0", count: n - k)
        } else if 0 < n, n <= 21 {
            text += digits.prefix(n) + "." + digits.dropFirst(n)
        } else if -6 < n, n <= 0 {
            text += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            text += digits.prefix(1) + (k > 1 ? "." + digits.dropFirst() : "") + "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return text
    }

    /// The significant digits of a positive finite double (no leading or trailing zeros) and `n` such that the
    /// value is `0.<digits> x 10^n`.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let description = "\(value)"
        var mantissa = Substring(description)
        var power = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            power = Int(description[description.index(after: e)...]) ?? 0
        }
        let whole = mantissa.prefix { $0 != "." }
        let fraction = mantissa.contains(".") ? mantissa.drop { $0 != "." }.dropFirst() : ""
        var digits = String(whole) + String(fraction)
        var n = whole.count + power
        while digits.hasPrefix("0") {
            digits.removeFirst()
            n -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits.isEmpty ? "0" : digits, n)
    }

    /// Whether any byte is `"`, `\` or a control character, eight bytes at a time (`ByteWords`).
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var index = 0
        while index + 8 <= bytes.count {
            let word = ByteWords.load(base, at: index)
            if ByteWords.quoteOrBackslash(word) | ByteWords.control(word) != 0 { return true }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            index += 1
        }
        return false
    }

    /// Appends a JSON string literal with minimal escaping.
    public static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (ids, keys, paths, URLs) need no escape: appended in one copy.
        var text = value
        let plain = text.withUTF8 { utf8 -> Bool in
            guard !needsEscape(utf8) else { return false }
            out.append(contentsOf: utf8)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case ..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(Hex.digits[Int(byte >> 4)])
                out.append(Hex.digits[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
