import Testing
import Timeline

@Suite("Non-drop-frame timecode")
struct TimecodeTests {
    @Test("frames become HH:MM:SS:FF at the rate", arguments: [
        (0, 24, "00:00:00:00"), (23, 24, "00:00:00:23"), (24, 24, "00:00:01:00"), (86_400, 24, "01:00:00:00"),
        (125, 25, "00:00:05:00"), (124, 25, "00:00:04:24"), (90_000 + 1_501, 25, "01:01:00:01"),
        (1_799, 30, "00:00:59:29"), (1_800, 30, "00:01:00:00"), (108_000 * 10 + 29, 30, "10:00:00:29"),
    ])
    func timecode(frame: Int, rate: Int, expected: String) {
        #expect(Timecode.nonDropFrame(frame, rate: rate) == expected)
    }

    @Test("a negative frame is 00:00:00:00; a rate below 1 counts as 1")
    func bounds() {
        #expect(Timecode.nonDropFrame(-5, rate: 24) == "00:00:00:00")
        #expect(Timecode.nonDropFrame(61, rate: 0) == "00:01:01:00")
    }
}
