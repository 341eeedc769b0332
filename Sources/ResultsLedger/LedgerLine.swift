import JSON

/// Reading a ledger line: its members located in the file's bytes, each field read only as the schema asks for it,
/// into the event's typed fields.
enum LedgerLine {
    struct Malformed: Error {}

    /// The event a line's bytes (without its newline) hold: a JSON object with a known `event`.
    static func event(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> LedgerEvent {
        guard let members = try? JSONSlice.rootMembers(bytes) else { throw Malformed() }
        var reader = LedgerLineReader(members: members)
        // The header's fields: the last of a repeated one counts.
        let header = LedgerEvent.header
        guard let name = reader.last(header.event)?.string, let kind = LedgerEvent.Kind(rawValue: name) else { throw Malformed() }
        let job = reader.last(header.job)?.string ?? ""
        let time = reader.last(header.time)?.string ?? ""
        return LedgerEvent(job: job, time: time, .read(kind, &reader))
    }
}

/// Reads fields from an object's members as located slices (the first of a repeated name counts).
struct LedgerLineReader: LedgerFieldVisitor {
    let members: [(key: String, value: JSONSlice)]

    private func slice(_ name: StaticString) -> JSONSlice? {
        for member in members where name.names(member.key) { return member.value }
        return nil
    }

    func last(_ name: StaticString) -> JSONSlice? {
        members.last { name.names($0.key) }?.value
    }

    mutating func field(_ name: StaticString, _ value: inout String) {
        if let text = slice(name)?.string { value = text }
    }

    mutating func field(_ name: StaticString, _ value: inout String?, _ absent: WhenAbsent) {
        if let text = slice(name)?.string { value = text }
    }

    mutating func field(_ name: StaticString, _ value: inout Int) {
        if let number = slice(name)?.int { value = number }
    }

    mutating func field(_ name: StaticString, _ value: inout Int?) {
        if let number = slice(name)?.int { value = number }
    }

    mutating func field(_ name: StaticString, _ value: inout Double?, _ absent: WhenAbsent) {
        switch slice(name)?.number {
        case .number(let number)?: value = number
        case .int(let number)?: value = Double(number)
        default: break
        }
    }

    mutating func field(_ name: StaticString, _ value: inout Bool) {
        if let flag = slice(name)?.bool { value = flag }
    }

    mutating func field(_ name: StaticString, _ value: inout Bool?) {
        if let flag = slice(name)?.bool { value = flag }
    }

    mutating func field(_ name: StaticString, _ value: inout [String]?, omitEmpty: Bool) {
        if let elements = slice(name)?.elements { value = elements.compactMap(\.string) }
    }

    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<String>]) {
        guard let pairs = slice(name)?.members else { return }
        value = pairs.compactMap { pair in pair.value.string.map { LedgerEvent.Named(pair.key, $0) } }
    }

    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<Int>]) {
        guard let pairs = slice(name)?.members else { return }
        value = pairs.compactMap { pair in pair.value.int.map { LedgerEvent.Named(pair.key, $0) } }
    }

    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout Object?) {
        if let members = slice(name)?.members { value = Self.object(members) }
    }

    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout [Object]?) {
        guard let elements = slice(name)?.elements else { return }
        value = elements.compactMap { $0.members.map { Self.object($0) } }
    }

    private static func object<Object: LedgerFields>(_ members: [(key: String, value: JSONSlice)]) -> Object {
        var reader = LedgerLineReader(members: members)
        var object = Object()
        object.fields(&reader)
        return object
    }
}

extension LedgerEvent {
    /// The event a ledger line holds (without its newline); nil for a line that is not one (a shared ledger's rows
    /// hold lines in this same format).
    public init?(line: String) {
        var text = line
        guard let event = text.withUTF8({ try? LedgerLine.event($0) }) else { return nil }
        self = event
    }
}
