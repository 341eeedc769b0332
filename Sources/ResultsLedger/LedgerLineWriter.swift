import JSON

/// Writes one ledger line as the schema describes it: compact JSON, members in the schema's order, straight into
/// bytes (a `run_started` of 100,000 jobs never exists as a tree of JSON values).
struct LedgerLineWriter: LedgerFieldVisitor {
    private var out: [UInt8] = []
    private var first = true

    /// Begins a line with the event's header: `v`, `t`, `event`, `job`.
    init(header event: LedgerEvent) {
        if case .runStarted(let start) = event.payload, let jobs = start.jobs {
            out.reserveCapacity(512 + 160 * jobs.count)
        } else {
            out.reserveCapacity(256)
        }
        out.append(UInt8(ascii: "{"))
        let header = LedgerEvent.header
        var version = 1, time = event.time, kind = event.kind.rawValue, job = event.job
        field(header.version, &version)
        field(header.time, &time)
        field(header.event, &kind)
        field(header.job, &job)
    }

    /// The line's bytes, closed.
    mutating func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }

    private mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: StaticString, _ value: inout String) {
        key(name)
        JSONValue.writeString(value, to: &out)
    }

    mutating func field(_ name: StaticString, _ value: inout String?, _ absent: WhenAbsent) {
        if let text = value {
            key(name)
            JSONValue.writeString(text, to: &out)
        } else if absent == .null {
            key(name)
            out.append(contentsOf: "null".utf8)
        }
    }

    mutating func field(_ name: StaticString, _ value: inout Int) {
        key(name)
        JSONValue.appendInteger(value, to: &out)
    }

    mutating func field(_ name: StaticString, _ value: inout Int?) {
        guard let number = value else { return }
        key(name)
        JSONValue.appendInteger(number, to: &out)
    }

    mutating func field(_ name: StaticString, _ value: inout Double?, _ absent: WhenAbsent) {
        guard value != nil || absent == .null else { return }
        key(name)
        out.append(contentsOf: (value.map(JSONValue.format) ?? "null").utf8)
    }

    mutating func field(_ name: StaticString, _ value: inout Bool) {
        key(name)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func field(_ name: StaticString, _ value: inout Bool?) {
        guard var flag = value else { return }
        field(name, &flag)
    }

    mutating func field(_ name: StaticString, _ value: inout [String]?, omitEmpty: Bool) {
        guard let list = value, !(omitEmpty && list.isEmpty) else { return }
        key(name)
        out.append(UInt8(ascii: "["))
        for (position, text) in list.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(text, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<String>]) {
        guard !value.isEmpty else { return }
        members(name, value) { JSONValue.writeString($1, to: &$0) }
    }

    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<Int>]) {
        members(name, value) { JSONValue.appendInteger($1, to: &$0) }
    }

    private mutating func members<Value>(_ name: StaticString, _ value: [LedgerEvent.Named<Value>], _ write: (inout [UInt8], Value) -> Void) {
        key(name)
        out.append(UInt8(ascii: "{"))
        for (position, member) in value.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(member.name, to: &out)
            out.append(UInt8(ascii: ":"))
            write(&out, member.value)
        }
        out.append(UInt8(ascii: "}"))
    }

    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout Object?) {
        guard var object = value else { return }
        key(name)
        nested(&object)
    }

    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout [Object]?) {
        guard let list = value else { return }
        key(name)
        out.append(UInt8(ascii: "["))
        for position in list.indices {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            var object = list[position]
            nested(&object)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// An object inside the line, its members written by the same writer.
    private mutating func nested<Object: LedgerFields>(_ object: inout Object) {
        out.append(UInt8(ascii: "{"))
        first = true
        object.fields(&self)
        out.append(UInt8(ascii: "}"))
        first = false
    }
}
