import Testing
import Timeline

@Suite("The cut re-placed at a standard rate")
struct CutTimelineRetimingTests {
    /// `count` slates of `length` frames each, at `rate`.
    static func uniform(_ count: Int, length: Int, rate: Int) -> CutTimeline {
        CutTimeline(name: "u", rate: rate, width: 1, height: 1, items: (0..<count).map {
            CutItem(name: "s\($0)", source: .slate(image: nil), frames: length)
        })
    }

    @Test("rounding each item's end keeps the total: 1000 items of 5 frames at 12 fps are 9990 at 23.976, not 10000")
    func noDrift() {
        let cut = Self.uniform(1_000, length: 5, rate: 12)
        let retimed = cut.retimed(to: .fps23_976)
        // 5 frames at 12 fps are 9.99 at 23.976: rounding each alone would make every item 10 frames.
        #expect(retimed.frames == 9_990)
        #expect(retimed.rate == 24)
        #expect(Set(retimed.items.map(\.frames)) == [9, 10])
        for (index, placed) in retimed.placed.enumerated() {
            let exact = Double(index * 5) / 12 * TimelineRate.fps23_976.value
            #expect(abs(Double(placed.start) - exact) <= 0.5, "item \(index) starts at \(placed.start), exactly \(exact)")
        }
    }

    @Test("the end of each item is rounded, so lengths vary to keep every cut on time")
    func fourShots() {
        let retimed = CutFixtures.fourShots(rate: 12).retimed(to: .fps23_976)
        #expect(retimed.items.map(\.frames) == [250, 96, 74, 121])
        #expect(retimed.items.map(\.name) == CutFixtures.fourShots(rate: 12).items.map(\.name))
    }

    @Test("every item keeps at least one frame; the items after it give the frame back")
    func atLeastOneFrame() {
        let cut = CutTimeline(name: "f", rate: 120, width: 1, height: 1, items: [1, 1, 1, 1, 0, 100].map {
            CutItem(name: "\($0)", source: .slate(image: nil), frames: $0)
        })
        let retimed = cut.retimed(to: .fps60)
        #expect(retimed.items.map(\.frames) == [1, 1, 1, 1, 0, 48])
        #expect(retimed.frames == 52)
    }

    @Test("at the cut's own standard rate nothing moves")
    func unchanged() {
        let cut = CutFixtures.fourShots(rate: 25)
        #expect(cut.retimed(to: .fps25) == cut)
    }
}
