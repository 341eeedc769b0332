import JSON

/// One line of `doctor`: what was checked, how it came out, and what was seen.
struct DoctorCheck: Sendable, Equatable {
    enum Outcome: String, Sendable {
        case pass, warn, fail, skip
    }

    var name: String
    var outcome: Outcome
    var detail: String

    var line: String {
        let label = outcome.rawValue.padding(to: 5)
        return "\(label) \(name.padding(to: 10)) \(detail)"
    }

    var json: JSONValue {
        .object([("name", .string(name)), ("status", .string(outcome.rawValue)), ("detail", .string(detail))])
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
