/// The cut as Final Cut Pro 7 XML (`xmeml` version 5, the `.xml` Premiere Pro and DaVinci Resolve import): one
/// sequence at the cut's `timelineRate` (the cut re-placed at its whole frames), size and name, starting at
/// 00:00:00:00 (non-drop-frame). A rate is a `timebase` and an `ntsc` flag: 25 is 25 and `FALSE`, 23.976 is 24 and
/// `TRUE` (1000/1001 of the timebase), every count of frames being frames of that rate.
///
/// Video track 1 holds one `clipitem` per clip, named by its job id, with `start`/`end` on the sequence, `in`/`out`
/// in the file (from frame 0) and a `file` with the clip's `file://` `pathurl`, rate and length (declared in full
/// once, then referenced by id). A slate is a black `Slug` `generatoritem` of its length, named by its job id, so
/// the sequence keeps its order and length even when the last shot is a slate (empty time at the end would be
/// lost). A clip with sound is on audio track 1 too, linked to its picture.
public enum FCP7Export {
    /// The `.xml` file's text.
    public static func xml(_ timeline: CutTimeline) -> String {
        let (timeline, rate) = timeline.editorial
        let files = Dictionary(
            timeline.clipFiles.enumerated().map { ($1.path, (id: "file-\($0 + 1)", frames: $1.frames, hasAudio: $1.hasAudio)) },
            uniquingKeysWith: { first, _ in first }
        )
        let layout = Layout(timeline)
        var declared: Set<String> = []
        var videoItems: [XMLTag] = []
        var audioItems: [XMLTag] = []
        for (index, span) in timeline.spans.enumerated() {
            guard let path = span.item.clipPath, let declaration = files[path] else {
                videoItems.append(slug("generatoritem-\(index + 1)", span.item, start: span.start, rate: rate))
                continue
            }
            let fileID = declaration.id
            let file = declared.insert(fileID).inserted
                ? fileTag(fileID, path: path, frames: declaration.frames, hasAudio: declaration.hasAudio, rate: rate)
                : XMLTag("file", [("id", fileID)])
            var video = clipItem(layout.videoID(index), span.item, start: span.start, rate: rate, file: file)
            video.children += layout.links(index)
            videoItems.append(video)
            if let audioID = layout.audioID(index) {
                var audio = clipItem(audioID, span.item, start: span.start, rate: rate, file: XMLTag("file", [("id", fileID)]))
                audio.children.append(XMLTag("sourcetrack", children: [
                    XMLTag("mediatype", text: "audio"), XMLTag("trackindex", text: "1"),
                ]))
                audio.children += layout.links(index)
                audioItems.append(audio)
            }
        }
        let video = XMLTag("video", children: [format(timeline, rate: rate), XMLTag("track", children: videoItems)])
        let audio = XMLTag("audio", children: audioItems.isEmpty ? [] : [XMLTag("track", children: audioItems)])
        let sequence = XMLTag("sequence", [("id", "sequence-1")], children: [
            XMLTag("name", text: timeline.name),
            XMLTag("duration", text: "\(timeline.spannedFrames)"),
            rateTag(rate),
            XMLTag("timecode", children: [
                rateTag(rate), XMLTag("string", text: Timecode.nonDropFrame(0, rate: rate.timebase)),
                XMLTag("frame", text: "0"), XMLTag("displayformat", text: "NDF"),
            ]),
            XMLTag("media", children: [video, audio]),
        ])
        let root = XMLTag("xmeml", [("version", "5")], children: [sequence])
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE xmeml>\n" + root.rendered()
    }

    /// The ids of the track items and the `link` elements that tie a clip's picture to its sound.
    private struct Layout {
        /// For each span: its audio clip item's index on audio track 1 (1-based), or nil without sound.
        let audioIndex: [Int?]
        let count: Int

        init(_ timeline: CutTimeline) {
            var next = 0
            audioIndex = timeline.spans.map { span in
                guard span.item.clipPath != nil, span.item.hasAudio else { return nil }
                next += 1
                return next
            }
            count = audioIndex.count
        }

        func videoID(_ index: Int) -> String { "clipitem-\(index + 1)" }

        func audioID(_ index: Int) -> String? { audioIndex[index].map { "clipitem-\(count + $0)" } }

        /// The picture's and the sound's `link`s for a clip with sound; none without.
        func links(_ index: Int) -> [XMLTag] {
            guard let audioID = audioID(index), let audioClip = audioIndex[index] else { return [] }
            return [
                link(videoID(index), "video", clipIndex: index + 1, group: nil),
                link(audioID, "audio", clipIndex: audioClip, group: 1),
            ]
        }

        private func link(_ id: String, _ mediaType: String, clipIndex: Int, group: Int?) -> XMLTag {
            var tag = XMLTag("link", children: [
                XMLTag("linkclipref", text: id), XMLTag("mediatype", text: mediaType),
                XMLTag("trackindex", text: "1"), XMLTag("clipindex", text: "\(clipIndex)"),
            ])
            if let group { tag.children.append(XMLTag("groupindex", text: "\(group)")) }
            return tag
        }
    }

    /// A clip item showing the file's first `item.frames` frames from `start` on the sequence.
    private static func clipItem(_ id: String, _ item: CutItem, start: Int, rate: TimelineRate, file: XMLTag) -> XMLTag {
        XMLTag("clipitem", [("id", id)], children: timing(item, start: start, rate: rate) + [file])
    }

    /// The slate: a black slug of its length.
    private static func slug(_ id: String, _ item: CutItem, start: Int, rate: TimelineRate) -> XMLTag {
        let effect = XMLTag("effect", children: [
            XMLTag("name", text: "Slug"), XMLTag("effectid", text: "Slug"), XMLTag("effectcategory", text: "Matte"),
            XMLTag("effecttype", text: "generator"), XMLTag("mediatype", text: "video"),
        ])
        return XMLTag("generatoritem", [("id", id)], children: timing(item, start: start, rate: rate) + [effect])
    }

    /// `name`, `duration`, `rate`, `enabled`, `start`, `end`, `in`, `out` of an item.
    private static func timing(_ item: CutItem, start: Int, rate: TimelineRate) -> [XMLTag] {
        [
            XMLTag("name", text: item.name),
            XMLTag("duration", text: "\(item.frames)"),
            rateTag(rate),
            XMLTag("enabled", text: "TRUE"),
            XMLTag("start", text: "\(start)"),
            XMLTag("end", text: "\(start + item.frames)"),
            XMLTag("in", text: "0"),
            XMLTag("out", text: "\(item.frames)"),
        ]
    }

    /// A clip file's one full declaration.
    private static func fileTag(_ id: String, path: String, frames: Int, hasAudio: Bool, rate: TimelineRate) -> XMLTag {
        var media = [XMLTag("video")]
        if hasAudio { media.append(XMLTag("audio")) }
        return XMLTag("file", [("id", id)], children: [
            XMLTag("name", text: CutItem.fileName(path)),
            XMLTag("pathurl", text: CutItem.fileURL(path)),
            rateTag(rate),
            XMLTag("duration", text: "\(frames)"),
            XMLTag("media", children: media),
        ])
    }

    /// The sequence's picture: the cut's size and rate, square pixels, progressive.
    private static func format(_ timeline: CutTimeline, rate: TimelineRate) -> XMLTag {
        XMLTag("format", children: [
            XMLTag("samplecharacteristics", children: [
                rateTag(rate),
                XMLTag("width", text: "\(timeline.width)"),
                XMLTag("height", text: "\(timeline.height)"),
                XMLTag("anamorphic", text: "FALSE"),
                XMLTag("pixelaspectratio", text: "square"),
                XMLTag("fielddominance", text: "none"),
            ]),
        ])
    }

    /// `<rate><timebase>24</timebase><ntsc>TRUE</ntsc></rate>` for 23.976, `FALSE` for a whole rate.
    private static func rateTag(_ rate: TimelineRate) -> XMLTag {
        XMLTag("rate", children: [
            XMLTag("timebase", text: "\(rate.timebase)"), XMLTag("ntsc", text: rate.isNTSC ? "TRUE" : "FALSE"),
        ])
    }
}
