import JobManifest

/// Reads ledger lines back into events.
enum LedgerLineParser {
    struct Malformed: Error {}

    static func parse(_ line: String) throws(Malformed) -> LedgerEvent {
        guard case .object(let members)? = try? JSONValue.parse(line) else { throw Malformed() }
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
}
