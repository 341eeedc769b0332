import Testing
import Timeline

@Suite("Standard timeline rates")
struct TimelineRateTests {
    @Test("the nearest standard rate, the whole one on a near tie with an NTSC rate when it is a multiple; a standard rate is itself", arguments: [
        (12.0, TimelineRate.fps24),  // 11.976 from 23.976, 12 from 24: all but as near, and 24 is two frames of 12
        (23, .fps23_976),  // as near to both, and 24 is no multiple of 23
        (24, .fps24), (25, .fps25), (29, .fps29_97), (30, .fps30), (40, .fps30), (48, .fps50), (59.94, .fps59_94),
        (61, .fps60), (240, .fps60), (1, .fps24),
    ])
    func nearest(fps: Double, expected: TimelineRate) {
        #expect(TimelineRate.nearest(to: fps) == expected)
    }

    @Test("each rate exactly, its timecode base, and whether it is NTSC")
    func spellings() {
        let rates = TimelineRate.standard
        #expect(rates.map(\.description) == ["23.976", "24", "25", "29.97", "30", "50", "59.94", "60"])
        #expect(rates.map(\.timebase) == [24, 24, 25, 30, 30, 50, 60, 60])
        #expect(rates.map(\.isNTSC) == [true, false, false, true, false, false, true, false])
        let values: [Double] = [24_000.0 / 1_001, 24, 25, 30_000.0 / 1_001, 30, 50, 60_000.0 / 1_001, 60]
        #expect(rates.map(\.value) == values)
    }

    @Test("a cut's timeline rate: its own when standard, else the nearest")
    func cutRate() {
        #expect(CutFixtures.fourShots(rate: 12).timelineRate == .fps24)
        #expect(CutFixtures.fourShots(rate: 23).timelineRate == .fps23_976)
        #expect(CutFixtures.fourShots(rate: 25).timelineRate == .fps25)
        #expect(CutFixtures.fourShots(rate: 30).timelineRate == .fps30)
    }
}
