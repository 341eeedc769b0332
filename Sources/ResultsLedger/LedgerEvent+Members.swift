package import JSON

/// An event's line read back as JSON members, for tests and tools that check what a line says as written (the fold
/// never reads fields this way: it applies the typed payload).
extension LedgerEvent {
    /// A member of the line as JSON (header members included).
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members)? = try? JSONValue.parse(lineBytes) else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A string member of the line.
    package func string(_ key: String) -> String? {
        if case .string(let text)? = self[key] { return text }
        return nil
    }

    /// A number member of the line.
    package func number(_ key: String) -> Double? {
        switch self[key] {
        case .number(let value)?: value
        case .int(let value)?: Double(value)
        default: nil
        }
    }
}
