import ArgumentParser
import Scheduling

/// A length of time on the command line: `90s`, `45m`, `2h`, `50ms` (`--job-timeout`, `--poll-min`), parsed once
/// by argument-parser; a value it cannot read is a usage error (exit 2) that shows the option's help.
struct DurationArgument: ExpressibleByArgument, Sendable {
    let duration: Duration
    /// As written, for the help's default.
    let text: String

    init?(argument: String) {
        guard let duration = DurationParser.parse(argument) else { return nil }
        self.init(duration, text: argument)
    }

    /// A default: the duration and how the help writes it.
    init(_ duration: Duration, text: String) {
        self.duration = duration
        self.text = text
    }

    var defaultValueDescription: String { text }
}

/// `--halt fail=N` or `fail=P%`, parsed once by argument-parser.
struct HaltArgument: ExpressibleByArgument, Sendable {
    let rule: HaltRule

    init?(argument: String) {
        guard let rule = HaltRule(parsing: argument) else { return nil }
        self.rule = rule
    }
}
