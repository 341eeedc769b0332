import Testing
import Timeline

/// Every export read back by OpenTimelineIO's own readers: the clips' names, order, lengths and files, and the
/// slates' places, come back as the cut has them.
@Suite("Exports read back by OpenTimelineIO", .serialized)
struct ReadBackTests {
    typealias Format = TimelineReader.Format

    /// What a slate reads back as in each format.
    static func slateKind(_ format: Format) -> (kind: String, named: Bool, generator: String?) {
        switch format.adapter {
        case "cmx_3600": ("generator", true, "black")  // a BL event: OTIO's black generator clip
        case "fcp_xml": ("generator", true, "Slug")  // the slug generator item
        case "fcpx_xml": ("gap", false, nil)  // the reader makes its own unnamed gaps from the offsets
        default: ("gap", true, nil)
        }
    }

    /// The FCPXML reader turns seconds into frames by truncating a float product, which loses a frame at 25 and
    /// 30 fps for some lengths (29 frames at 25 fps reads as 28): at 24 fps it is exact, so FCPXML is read at 24.
    ///
    /// Timecode cannot count a 12 fps cut (the simulator's clips): the EDL and the Final Cut XMLs write it at 24,
    /// which OpenTimelineIO reads (an EDL at 12 it refuses: "SMPTE timecode does not support this rate"), and a
    /// 23 fps cut at 23.976, which it reads from the EDL and Final Cut 7 XML. The FCPXML reader reads no NTSC rate
    /// (it takes `1001/24000s` for 23 fps, `int(24000 / 1001)`), so FCPXML's re-placing is read from 12 and 40 fps
    /// cuts (24 and 30 fps sequences); `FCPXMLExportTests` checks its 23.976 as text.
    static let cases: [(Format, Int)] = [
        (.otio, 24), (.otio, 25), (.otio, 30),
        (.edl, 12), (.edl, 23), (.edl, 24), (.edl, 25), (.edl, 30),
        (.fcp7, 12), (.fcp7, 23), (.fcp7, 24), (.fcp7, 25), (.fcp7, 30),
        (.fcpxml, 12), (.fcpxml, 24), (.fcpxml, 40),
    ]

    @Test("clips and slates come back in order, at their lengths, named by job id, with their file URLs", arguments: cases)
    func readBack(format: Format, rate: Int) async throws {
        let cut = CutFixtures.fourShots(rate: rate)
        // Where the format places each item: the cut's own frames, or whole frames of its standard rate.
        let (placed, placedRate) = format.placed(cut)
        let read = try await TimelineReader.readBack(cut, as: format)
        let slate = Self.slateKind(format)
        #expect(read.name == cut.name)
        try #require(read.video.count == cut.items.count, "\(read.video.map(\.name))")
        for (((start, item), (cutStart, _)), got) in zip(zip(placed.placed, cut.placed), read.video) {
            #expect(got.start == Double(start), "\(item.name)")
            #expect(got.frames == Double(item.frames), "\(item.name)")
            // Whole frames of another rate still start each item within half a frame of its time in the cut.
            #expect(abs(got.start - Double(cutStart) / Double(rate) * placedRate) <= 0.5, "\(item.name)")
            switch item.source {
            case .clip(let path):
                #expect(got.kind == "clip")
                #expect(got.name == item.name)
                #expect(got.target_url == CutItem.fileURL(path))
            case .slate:
                #expect(got.kind == slate.kind)
                #expect(got.generator == slate.generator)
                #expect(got.name == (slate.named ? item.name : ""))
            }
        }
        #expect(read.video.map(\.frames).reduce(0, +) == Double(placed.frames))
    }

    @Test("clips with sound are on the audio track too, where the format carries it", arguments: [Format.otio, .fcp7])
    func audio(format: Format) async throws {
        let cut = CutFixtures.fourShots(rate: 24)
        let read = try await TimelineReader.readBack(cut, as: format)
        let clips = read.audio.filter { $0.kind == "clip" }
        let withSound = cut.placed.filter(\.item.hasAudio)
        #expect(clips.map(\.name) == withSound.map(\.item.name))
        #expect(clips.map(\.start) == withSound.map { Double($0.start) })
        #expect(clips.map(\.target_url) == withSound.map { $0.item.clipPath.map(CutItem.fileURL) })
    }

    @Test("a slate that ends the cut keeps the cut's length", arguments: [Format.otio, .edl, .fcp7])
    func endingSlate(format: Format) async throws {
        let cut = CutFixtures.endingOnASlate(rate: 25)
        let read = try await TimelineReader.readBack(cut, as: format)
        #expect(read.video.map(\.name) == ["a/one~1", "a/two~1"])
        #expect(read.video.map(\.frames) == [24, 30])
        #expect(read.video.map(\.frames).reduce(0, +) == Double(cut.frames))
    }

    @Test("a file two shots use is one master clip, and both clips read back with its URL", arguments: [
        Format.otio, .edl, .fcp7, .fcpxml,
    ])
    func sharedFile(format: Format) async throws {
        let cut = CutTimeline(name: "again", rate: 24, width: 640, height: 360, items: [
            CutItem(name: "a/one~1", source: .clip(path: "/r/same.mp4"), frames: 48, hasAudio: true),
            CutItem(name: "a/two~1", source: .clip(path: "/r/other.mp4"), frames: 12),
            CutItem(name: "a/one~2", source: .clip(path: "/r/same.mp4"), frames: 72, hasAudio: true),
        ])
        let read = try await TimelineReader.readBack(cut, as: format)
        #expect(read.video.map(\.name) == ["a/one~1", "a/two~1", "a/one~2"])
        #expect(read.video.map(\.frames) == [48, 12, 72])
        #expect(read.video.map(\.target_url) == ["file:///r/same.mp4", "file:///r/other.mp4", "file:///r/same.mp4"])
    }
}
