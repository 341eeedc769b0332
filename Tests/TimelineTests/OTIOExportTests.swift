import Foundation
import Testing
import Timeline

@Suite("OpenTimelineIO JSON")
struct OTIOExportTests {
    /// The export parsed as JSON.
    static func parsed(_ cut: CutTimeline) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(OTIOExport.json(cut).utf8))
        return try #require(object as? [String: Any])
    }

    /// The children of the stack's track number `index`.
    static func track(_ document: [String: Any], _ index: Int) throws -> (kind: String?, children: [[String: Any]]) {
        let stack = try #require(document["tracks"] as? [String: Any])
        #expect(stack["OTIO_SCHEMA"] as? String == "Stack.1")
        let tracks = try #require(stack["children"] as? [[String: Any]])
        let track = try #require(tracks.count > index ? tracks[index] : nil)
        #expect(track["OTIO_SCHEMA"] as? String == "Track.1")
        return (track["kind"] as? String, try #require(track["children"] as? [[String: Any]]))
    }

    /// A `RationalTime.1`'s value at its rate.
    static func time(_ object: Any?) -> (rate: Double, value: Double)? {
        guard let time = object as? [String: Any], time["OTIO_SCHEMA"] as? String == "RationalTime.1",
            let rate = time["rate"] as? Double, let value = time["value"] as? Double
        else { return nil }
        return (rate, value)
    }

    @Test("a Timeline.1 of a video track: Clip.2 with an ExternalReference.1 file URL, Gap.1 named by job id")
    func schema() throws {
        let document = try Self.parsed(CutFixtures.fourShots(rate: 25))
        #expect(document["OTIO_SCHEMA"] as? String == "Timeline.1")
        #expect(document["name"] as? String == "ep01 <cut> & \"friends\"")
        #expect(Self.time(document["global_start_time"])?.value == 0)
        let video = try Self.track(document, 0)
        #expect(video.kind == "Video")
        #expect(video.children.map { $0["OTIO_SCHEMA"] as? String } == ["Clip.2", "Gap.1", "Clip.2", "Clip.2"])
        #expect(video.children.map { $0["name"] as? String } == ["dusk/lamp~2", "dusk/window~1", CutFixtures.awkwardName, "night/street~1"])
        let durations = video.children.map { Self.time(($0["source_range"] as? [String: Any])?["duration"]) }
        #expect(durations.map { $0?.rate } == [25, 25, 25, 25])
        #expect(durations.map { $0?.value } == [125, 48, 37, 61])
        let references = video.children[2]["media_references"] as? [String: Any]
        let reference = references?["DEFAULT_MEDIA"] as? [String: Any]
        #expect(video.children[2]["active_media_reference_key"] as? String == "DEFAULT_MEDIA")
        #expect(reference?["OTIO_SCHEMA"] as? String == "ExternalReference.1")
        #expect(reference?["target_url"] as? String == "file:///tmp/shot%20runner/night/cat%20%26%20dog%233.mp4")
    }

    @Test("an audio track when a clip has sound: the clip where it has sound, gaps elsewhere")
    func audio() throws {
        let audio = try Self.track(try Self.parsed(CutFixtures.fourShots(rate: 24)), 1)
        #expect(audio.kind == "Audio")
        #expect(audio.children.map { $0["OTIO_SCHEMA"] as? String } == ["Clip.2", "Gap.1", "Gap.1", "Clip.2"])
        let silent = try Self.parsed(CutFixtures.endingOnASlate(rate: 24))
        let tracks = (silent["tracks"] as? [String: Any])?["children"] as? [Any]
        #expect(tracks?.count == 1)
    }

    @Test("names survive JSON escaping: quotes, backslashes, line breaks, control characters, non-ASCII")
    func escaping() throws {
        let name = "q\"b\\s/n\nt\tc\u{01}\u{1F}é🎬"
        let cut = CutTimeline(name: name, rate: 24, width: 1, height: 1, items: [
            CutItem(name: name, source: .slate(image: nil), frames: 1),
        ])
        let text = OTIOExport.json(cut)
        #expect(text.contains(#""q\"b\\s/n\nt\tc\u0001\u001fé🎬""#))
        let document = try Self.parsed(cut)
        #expect(document["name"] as? String == name)
        #expect(try Self.track(document, 0).children.first?["name"] as? String == name)
    }
}
