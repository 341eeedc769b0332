/// The ledger's times as numbers: milliseconds since 1970 (UTC) for the one text form this project writes,
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`. A record keeps its times so (8 bytes, where the text is a 24-byte string on the heap
/// and a 16-byte reference to it); any other text is kept as it was written.
public enum LedgerTime {
    /// The text of a time in milliseconds since 1970.
    public static func text(millis: Int64) -> String {
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let inDay = millis - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        var out = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int64, _ at: Int, _ width: Int) {
            var rest = value
            for place in stride(from: at + width - 1, through: at, by: -1) {
                out[place] = UInt8(48 + rest % 10)
                rest /= 10
            }
        }
        guard (0...9999).contains(year) else {
            // Outside four-digit years (no clock of this machine's writes them): the long way.
            func pad(_ value: Int64, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(inDay / 3_600_000, 2)):\(pad(inDay / 60_000 % 60, 2)):"
                + "\(pad(inDay / 1000 % 60, 2)).\(pad(inDay % 1000, 3))Z"
        }
        put(year, 0, 4)
        out[4] = 45
        put(month, 5, 2)
        out[7] = 45
        put(day, 8, 2)
        out[10] = 84
        put(inDay / 3_600_000, 11, 2)
        out[13] = 58
        put(inDay / 60_000 % 60, 14, 2)
        out[16] = 58
        put(inDay / 1000 % 60, 17, 2)
        out[19] = 46
        put(inDay % 1000, 20, 3)
        out[23] = 90
        return String(decoding: out, as: UTF8.self)
    }

    /// The milliseconds of a time written exactly as `text(millis:)` writes it; nil for any other text.
    public static func millis(canonical text: String) -> Int64? {
        var text = text
        return text.withUTF8 { b -> Int64? in
            guard b.count == 24, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 46, b[23] == 90 else { return nil }
            func number(_ from: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for place in from..<(from + count) {
                    let byte = b[place]
                    guard byte >= 48, byte <= 57 else { return nil }
                    value = value * 10 + Int64(byte - 48)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let milli = number(20, 3),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
            let days = days(fromCivil: year, month, day)
            // A day past its month's end (2026-02-31) is not the text of any time: kept as text.
            guard civil(fromDays: days) == (year, month, day) else { return nil }
            return ((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000) + milli
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number (the inverse of `days(fromCivil:)`).
    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
