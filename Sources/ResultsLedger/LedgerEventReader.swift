import JSON

/// Fields read by name: an event's, or one object in one of its lists.
protocol LedgerFieldReader {
    func string(_ key: String) -> String?
    func int(_ key: String) -> Int?
    func number(_ key: String) -> Double?
    func bool(_ key: String) -> Bool?
    /// A list of strings (`outputs`, a listed job's `sources`).
    func strings(_ key: String) -> [String]?
}

/// What folding reads of an event. A `LedgerEvent` gives it, and so does a line read in place (`LedgerLine`),
/// which is how `status`, `report` and resume read a large ledger quickly.
protocol LedgerEventReader: LedgerFieldReader {
    associatedtype Item: LedgerFieldReader
    var kind: LedgerEvent.Kind { get }
    var job: String { get }
    var time: String { get }
    /// A list of objects (`run_started`'s `jobs`).
    func objects(_ key: String) -> [Item]?
    /// `run_started`'s jobs as this version lists them, when the event holds them as such (not read from a line).
    var listedJobs: [LedgerEvent.ListedJob]? { get }
    /// An object of strings (`run_started`'s `models`).
    func stringMap(_ key: String) -> [String: String]?
}

/// An object's members as a `JSONValue` gives them.
struct JSONMembers: LedgerFieldReader {
    let members: [(key: String, value: JSONValue)]

    func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    func string(_ key: String) -> String? {
        if case .string(let value)? = value(key) { return value }
        return nil
    }

    func int(_ key: String) -> Int? {
        if case .int(let value)? = value(key) { return value }
        return nil
    }

    func number(_ key: String) -> Double? {
        switch value(key) {
        case .number(let value)?: value
        case .int(let value)?: Double(value)
        default: nil
        }
    }

    func bool(_ key: String) -> Bool? {
        if case .bool(let value)? = value(key) { return value }
        return nil
    }

    func strings(_ key: String) -> [String]? {
        guard case .array(let items)? = value(key) else { return nil }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}

extension LedgerEvent: LedgerEventReader {
    func bool(_ key: String) -> Bool? { JSONMembers(members: fields).bool(key) }

    func strings(_ key: String) -> [String]? {
        guard case .array(let items)? = self[key] else { return nil }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    func objects(_ key: String) -> [JSONMembers]? {
        if key == "jobs", let listedJobs {
            return listedJobs.map { job in
                var members: [(key: String, value: JSONValue)] = [
                    ("id", .string(job.id)), ("index", .int(job.index)), ("key", .string(job.key)), ("duration", .int(job.duration)),
                    ("sound", .bool(job.sound)), ("estimated_cost", job.estimatedCost.map(JSONValue.number) ?? .null),
                ]
                if let model = job.model { members.append(("model", .string(model))) }
                if !job.sources.isEmpty { members.append(("sources", .array(job.sources.map(JSONValue.string)))) }
                return JSONMembers(members: members)
            }
        }
        guard case .array(let items)? = self[key] else { return nil }
        return items.compactMap { if case .object(let members) = $0 { JSONMembers(members: members) } else { nil } }
    }

    func stringMap(_ key: String) -> [String: String]? {
        guard case .object(let members)? = self[key] else { return nil }
        var map: [String: String] = [:]
        for (name, value) in members { if case .string(let text) = value { map[name] = text } }
        return map
    }
}
