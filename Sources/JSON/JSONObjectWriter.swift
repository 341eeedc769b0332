/// Writes one JSON object member by member straight into bytes, laid out exactly as `JSONValue.write(to:indent:
/// level:)` lays out the same object: for documents of 100,000 objects, where building a `JSONValue` tree for each
/// only to write it costs more than the writing (measured: half of `status --json` on a 100,000-job ledger).
public struct JSONObjectWriter {
    private let indent: Int?
    private let level: Int
    private var first = true

    /// Begins an object at `level` (its members one deeper), appending `{`.
    public init(indent: Int?, level: Int, to out: inout [UInt8]) {
        self.indent = indent
        self.level = level
        out.append(UInt8(ascii: "{"))
    }

    /// A member's name: a literal, which needs no escape (checked in debug builds), copied as it is without the
    /// scan `writeString` makes (member names were a fifth of writing a 100,000-job document).
    private mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        newline(&out, level + 1)
        let bytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        assert(!bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }, "a member name that needs escaping")
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
    }

    private func newline(_ out: inout [UInt8], _ depth: Int) {
        guard let indent else { return }
        JSONValue.appendNewline(indent * depth, to: &out)
    }

    public mutating func string(_ name: StaticString, _ value: String?, to out: inout [UInt8]) {
        key(name, &out)
        if let value { JSONValue.writeString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    public mutating func int(_ name: StaticString, _ value: Int, to out: inout [UInt8]) {
        key(name, &out)
        JSONValue.appendInteger(value, to: &out)
    }

    public mutating func bool(_ name: StaticString, _ value: Bool, to out: inout [UInt8]) {
        key(name, &out)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func number(_ name: StaticString, _ value: Double?, to out: inout [UInt8]) {
        key(name, &out)
        out.append(contentsOf: (value.map(JSONValue.format) ?? "null").utf8)
    }

    public mutating func strings(_ name: StaticString, _ values: [String], to out: inout [UInt8]) {
        strings(name, present: values.lazy.map { Optional($0) }, to: &out)
    }

    /// An array of the strings of `values` that are not nil (a job's files, of which some may be missing), with
    /// no array made of them.
    public mutating func strings(_ name: StaticString, present values: some Sequence<String?>, to out: inout [UInt8]) {
        key(name, &out)
        var any = false
        for case let value? in values {
            out.append(any ? UInt8(ascii: ",") : UInt8(ascii: "["))
            any = true
            newline(&out, level + 2)
            JSONValue.writeString(value, to: &out)
        }
        guard any else {
            out.append(contentsOf: "[]".utf8)
            return
        }
        newline(&out, level + 1)
        out.append(UInt8(ascii: "]"))
    }

    /// A member whose value is any JSON (written as `JSONValue.write` writes it).
    public mutating func value(_ name: StaticString, _ value: JSONValue, to out: inout [UInt8]) {
        key(name, &out)
        value.write(to: &out, indent: indent, level: level + 1)
    }

    /// Appends the closing `}` (or `{}` for an object with no member).
    public func end(_ out: inout [UInt8]) {
        if !first { newline(&out, level) }
        out.append(UInt8(ascii: "}"))
    }
}
