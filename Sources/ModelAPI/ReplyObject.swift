import JSON

/// A JSON object from an answer, read by key. Of repeated keys the last counts, as in a dictionary.
struct ReplyObject {
    /// The members, in the order sent.
    let members: [(key: String, value: JSONValue)]

    /// A member's value (`.null` when sent as null; nil when absent).
    subscript(key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    /// A member that is a string.
    func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }

    /// A member that is present and not null.
    func present(_ key: String) -> JSONValue? {
        guard let value = self[key], value != .null else { return nil }
        return value
    }
}
