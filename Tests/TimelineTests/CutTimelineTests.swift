import Testing
import Timeline

@Suite("The cut's timeline")
struct CutTimelineTests {
    @Test("items start where the one before ends; file URLs are absolute and encoded")
    func placing() {
        let timeline = CutTimeline(name: "s", rate: 24, width: 1280, height: 720, items: [
            CutItem(name: "a", source: .clip(path: "/r/a.mp4"), frames: 120),
            CutItem(name: "b", source: .slate(image: nil), frames: 48),
            CutItem(name: "c", source: .clip(path: "/r/c d#1.mp4"), frames: 24),
        ])
        #expect(timeline.frames == 192)
        #expect(timeline.placed.map(\.start) == [0, 120, 168])
        #expect(CutItem.fileURL("/r/c d#1.mp4") == "file:///r/c%20d%231.mp4")
    }
}
