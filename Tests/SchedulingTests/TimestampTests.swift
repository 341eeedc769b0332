import Foundation
import ResultsLedger
import Testing

/// Ledger timestamps are written and read by hand (for speed); they must agree with Foundation's ISO 8601.
@Suite("Timestamps")
struct TimestampTests {
    @Test("formatting agrees with ISO8601DateFormatter over 60 years, leap days and the epoch included")
    func format() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var seconds = 0.0
        while seconds < 60 * 365.25 * 86_400 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.format(seconds) == reference.string(from: date))
            seconds += 86_400 * 13.37 + 0.123
        }
        #expect(Timestamp.format(951_782_400.5) == "2000-02-29T00:00:00.500Z")
    }

    @Test("parsing reads our own form, other offsets and no fraction; it refuses anything else")
    func parse() {
        #expect(Timestamp.parse("2026-11-26T10:00:00.250Z") == Date(timeIntervalSince1970: 1_795_687_200.25))
        #expect(Timestamp.parse("2026-11-26T10:00:00Z") == Date(timeIntervalSince1970: 1_795_687_200))
        #expect(Timestamp.parse("2026-11-26T12:00:00+02:00") == Date(timeIntervalSince1970: 1_795_687_200))
        for text in ["", "2026-11-26", "2026-13-01T00:00:00Z", "2026-11-26T10:00:00", "2026-11-26T10:00:00Zjunk", "yesterday"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
        let now = Timestamp.now()
        #expect(Timestamp.parse(now).map { Timestamp.format($0.timeIntervalSince1970) } == now)
    }
}
