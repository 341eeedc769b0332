public import Foundation

/// UTC timestamps for ledger lines: ISO 8601 with milliseconds (`2026-11-26T10:00:00.000Z`). Written and read by
/// hand: Foundation's ISO8601DateFormatter costs hundreds of microseconds to create, and creating one per ledger
/// line or per job made a 100,000-job summary take over a minute.
public enum Timestamp {
    /// The time now, as a ledger line writes it.
    public static func now() -> String {
        format(Date().timeIntervalSince1970)
    }

    /// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func format(_ seconds: Double) -> String {
        LedgerTime.text(millis: Int64((seconds * 1000).rounded()))  // to the nearest, as Foundation does
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` as a date; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var value: Int64 = 0
            for byte in b[from..<(from + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if b[index] == 46 {
            var scale = 0.1
            index += 1
            while index < b.count, (48...57).contains(b[index]) {
                fraction += Double(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset: Int64 = 0
        if index < b.count, b[index] == 90 || b[index] == 122 {
            index += 1
        } else if index + 6 == b.count, b[index] == 43 || b[index] == 45, b[index + 3] == 58,
                  let hours = number(index + 1, 2), let minutes = number(index + 4, 2) {
            offset = (hours * 3600 + minutes * 60) * (b[index] == 45 ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let seconds = LedgerTime.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
