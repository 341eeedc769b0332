import JSON

/// A decision the page asks for: `{"action": "pick", "job": "dusk/lamp~2", "note": ""}`.
struct ReviewRequest: Equatable {
    enum Action: String {
        case pick, unpick, approve, unapprove, retake, unretake, note
    }

    struct Malformed: Error {}

    var action: Action
    var job: String
    var note: String

    /// Reads a request's body; anything but an object with a known action and a job id is malformed.
    init(json bytes: [UInt8]) throws(Malformed) {
        guard bytes.count <= 64 << 10, case .object(let members)? = try? JSONValue.parse(bytes) else { throw Malformed() }
        func string(_ name: String) -> String? {
            if case .string(let text)? = members.first(where: { $0.key == name })?.value { text } else { nil }
        }
        guard let name = string("action"), let action = Action(rawValue: name), let job = string("job"), !job.isEmpty, job.count <= 512 else {
            throw Malformed()
        }
        self.action = action
        self.job = job
        note = String((string("note") ?? "").prefix(4000))
    }
}
