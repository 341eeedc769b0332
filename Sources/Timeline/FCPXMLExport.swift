/// The cut as Final Cut Pro X XML (`.fcpxml`, version 1.8: Final Cut Pro 10.4 and later, DaVinci Resolve), one
/// library, event and project named after the cut, whose sequence starts at 00:00:00:00 (`tcStart="0s"`).
///
/// The cut is written at its `timelineRate`, re-placed at whole frames of it. Resources: one `format` (the frame
/// duration, `1/24s` at 24 fps and `1001/24000s` at 23.976, and the cut's size) and one `asset` per clip file,
/// its `src` the file's `file://` URL (version 1.8 puts it on the asset; 1.9 moved it to a `media-rep` child, which
/// OpenTimelineIO's FCP X reader does not read). The spine holds one `asset-clip` per clip and one `gap` of its
/// length per slate, each named by its job id. Times are rational seconds of whole frames, `N/Rs` for N frames at
/// R fps and `(N×1001)/(R×1000)s` at an NTSC rate (`0s` for none): `offset` on the sequence, `start` in the file
/// (always `0s`), `duration`. Timecode is non-drop-frame (`tcFormat="NDF"`).
public enum FCPXMLExport {
    /// The `.fcpxml` file's text.
    public static func xml(_ timeline: CutTimeline) -> String {
        let (timeline, rate) = timeline.editorial
        let spans = timeline.spans
        var assets: [String: String] = [:]
        var resources = [
            XMLTag("format", [
                ("id", "r1"), ("frameDuration", time(1, rate: rate)),
                ("width", "\(timeline.width)"), ("height", "\(timeline.height)"),
            ]),
        ]
        for (number, file) in timeline.clipFiles.enumerated() {
            let id = "r\(number + 2)"
            assets[file.path] = id
            let firstUse = spans.first { $0.item.clipPath == file.path }
            resources.append(XMLTag("asset", [
                ("id", id), ("name", firstUse?.item.name ?? CutItem.fileName(file.path)),
                ("src", CutItem.fileURL(file.path)), ("start", "0s"), ("duration", time(file.frames, rate: rate)),
                ("hasVideo", "1"), ("hasAudio", file.hasAudio ? "1" : "0"), ("format", "r1"),
            ]))
        }
        let spine = spans.map { span -> XMLTag in
            let item = span.item
            let placed = [("offset", time(span.start, rate: rate)), ("duration", time(item.frames, rate: rate))]
            guard let path = item.clipPath, let asset = assets[path] else {
                return XMLTag("gap", [("name", item.name)] + placed)
            }
            let source = [("start", "0s"), ("format", "r1"), ("tcFormat", "NDF")]
            return XMLTag("asset-clip", [("name", item.name), ("ref", asset)] + placed + source)
        }
        let sequence = XMLTag("sequence", [
            ("format", "r1"), ("duration", time(timeline.spannedFrames, rate: rate)),
            ("tcStart", "0s"), ("tcFormat", "NDF"),
        ], children: [XMLTag("spine", children: spine)])
        let project = XMLTag("project", [("name", timeline.name)], children: [sequence])
        let library = XMLTag("library", children: [XMLTag("event", [("name", timeline.name)], children: [project])])
        let root = XMLTag("fcpxml", [("version", "1.8")], children: [XMLTag("resources", children: resources), library])
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n" + root.rendered()
    }

    /// `frames` frames at `rate` as FCPXML rational seconds: `125/25s` (125 at 25), `125125/24000s` (125 at 23.976),
    /// or `0s`.
    package static func time(_ frames: Int, rate: TimelineRate) -> String {
        frames == 0 ? "0s" : "\(frames * rate.seconds)/\(rate.frames)s"
    }
}
