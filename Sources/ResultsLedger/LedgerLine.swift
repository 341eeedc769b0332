import JSON

/// One ledger line read in place: its members located in the file's bytes, each field read only when folding
/// asks for it. Valid only while the bytes it was read from are.
struct LedgerLine: LedgerEventReader {
    struct Malformed: Error {}

    let kind: LedgerEvent.Kind
    let job: String
    let members: SliceMembers

    /// Reads a line's bytes (without its newline): a JSON object with a known `event`.
    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) {
        guard let members = try? JSONSlice.rootMembers(bytes) else { throw Malformed() }
        self.members = SliceMembers(members: members)
        // The header fields: the last of a repeated one counts, as when the line is read into an event.
        guard let name = self.members.lastSlice("event")?.string, let kind = LedgerEvent.Kind(rawValue: name) else { throw Malformed() }
        self.kind = kind
        job = self.members.lastSlice("job")?.string ?? ""
    }

    var time: String { members.lastSlice("t")?.string ?? "" }
    /// A line's jobs are read as objects.
    var listedJobs: [LedgerEvent.ListedJob]? { nil }

    func string(_ key: String) -> String? { members.string(key) }
    func int(_ key: String) -> Int? { members.int(key) }
    func number(_ key: String) -> Double? { members.number(key) }
    func bool(_ key: String) -> Bool? { members.bool(key) }

    func strings(_ key: String) -> [String]? {
        members.slice(key)?.elements?.compactMap(\.string)
    }

    func objects(_ key: String) -> [SliceMembers]? {
        members.slice(key)?.elements?.compactMap { $0.members.map(SliceMembers.init) }
    }

    func stringMap(_ key: String) -> [String: String]? {
        guard let pairs = members.slice(key)?.members else { return nil }
        var map: [String: String] = [:]
        for (name, value) in pairs { if let text = value.string { map[name] = text } }
        return map
    }

    /// The line as an event (every field built).
    var event: LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = []
        for (key, value) in members.members where !["v", "t", "event", "job"].contains(key) {
            fields.append((key, value.value))
        }
        return LedgerEvent(kind, job: job, time: time, fields)
    }
}

/// An object's members as located slices.
struct SliceMembers: LedgerFieldReader {
    let members: [(key: String, value: JSONSlice)]

    func slice(_ key: String) -> JSONSlice? { members.first { $0.key == key }?.value }
    func lastSlice(_ key: String) -> JSONSlice? { members.last { $0.key == key }?.value }

    func string(_ key: String) -> String? { slice(key)?.string }
    func int(_ key: String) -> Int? { slice(key)?.int }

    func number(_ key: String) -> Double? {
        switch slice(key)?.number {
        case .number(let value)?: value
        case .int(let value)?: Double(value)
        default: nil
        }
    }

    func bool(_ key: String) -> Bool? { slice(key)?.bool }

    func strings(_ key: String) -> [String]? {
        slice(key)?.elements?.compactMap(\.string)
    }
}
