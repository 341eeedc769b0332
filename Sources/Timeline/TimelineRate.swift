/// A frame rate SMPTE timecode, and so every editor's timeline, can express: one of the eight standard rates
/// (23.976, 24, 25, 29.97, 30, 50, 59.94, 60). The EDL and Final Cut exports write the cut at the one nearest its
/// own rate (`CutTimeline.timelineRate`): a 12 fps cut is a 23.976 fps timeline, a 25 fps cut stays at 25.
///
/// An NTSC rate (23.976, 29.97, 59.94) is exactly 1000/1001 of its timecode base (24, 30, 60), and its timecode is
/// non-drop-frame, counting frames at that base: how EDLs label 23.976 material, and the form Final Cut 7 XML
/// (`<timebase>24</timebase><ntsc>TRUE</ntsc>`) and FCPXML (`frameDuration="1001/24000s"`, `tcFormat="NDF"`) write.
public struct TimelineRate: Sendable, Hashable, CustomStringConvertible {
    /// The rate as a fraction, `frames` frames every `seconds` seconds: 24000/1001 for 23.976, 24/1 for 24.
    public let frames: Int
    public let seconds: Int
    /// The frames a second its timecode counts: the rate rounded up (24 for 23.976).
    public let timebase: Int
    /// How editors write it: `23.976`, `24`, `29.97`.
    public let description: String

    private init(_ frames: Int, per seconds: Int, timebase: Int, _ description: String) {
        self.frames = frames
        self.seconds = seconds
        self.timebase = timebase
        self.description = description
    }

    public static let fps23_976 = TimelineRate(24_000, per: 1_001, timebase: 24, "23.976")
    public static let fps24 = TimelineRate(24, per: 1, timebase: 24, "24")
    public static let fps25 = TimelineRate(25, per: 1, timebase: 25, "25")
    public static let fps29_97 = TimelineRate(30_000, per: 1_001, timebase: 30, "29.97")
    public static let fps30 = TimelineRate(30, per: 1, timebase: 30, "30")
    public static let fps50 = TimelineRate(50, per: 1, timebase: 50, "50")
    public static let fps59_94 = TimelineRate(60_000, per: 1_001, timebase: 60, "59.94")
    public static let fps60 = TimelineRate(60, per: 1, timebase: 60, "60")

    /// The eight, slowest first.
    public static let standard: [TimelineRate] = [.fps23_976, .fps24, .fps25, .fps29_97, .fps30, .fps50, .fps59_94, .fps60]

    /// Whether it is an NTSC rate, 1000/1001 of its timebase.
    public var isNTSC: Bool { seconds != 1 }

    /// Frames a second, as OpenTimelineIO writes the rate (23.976 is `23.976023976023978`).
    public var value: Double { Double(frames) / Double(seconds) }

    /// The standard rate nearest `fps`. Where an NTSC rate and its whole neighbour are all but equally near (within
    /// 0.1 fps), the whole one wins if it is a whole multiple of `fps`: every frame of the cut then lands on a whole
    /// frame of the timeline, and every reader takes it (12 is 24, not 23.976, which is nearer by 0.024; 23 is
    /// 23.976; 29 is 29.97; 61 is 60). A standard rate is itself; the slower wins any other tie.
    public static func nearest(to fps: Double) -> TimelineRate {
        var best = standard[0]
        for rate in standard.dropFirst() where abs(rate.value - fps) < abs(best.value - fps) {
            best = rate
        }
        guard best.isNTSC, let whole = standard.first(where: { !$0.isNTSC && $0.timebase == best.timebase }) else { return best }
        let nearlyAsNear = abs(whole.value - fps) - abs(best.value - fps) < 0.1
        let multiple = fps >= 1 && fps == fps.rounded() && Int(whole.value) % Int(fps) == 0
        return nearlyAsNear && multiple ? whole : best
    }
}
