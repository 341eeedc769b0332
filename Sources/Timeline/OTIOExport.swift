import JSON

/// The cut as OpenTimelineIO JSON (`.otio`), the schema OpenTimelineIO 0.18 writes: a `Timeline.1` whose `Stack.1`
/// holds a video `Track.1` ("V1") and, when any clip has sound, an audio `Track.1` ("A1").
///
/// A clip is a `Clip.2` named by its job id, its `ExternalReference.1` pointing at the file's `file://` URL; a
/// slate is a `Gap.1` of its length, named by its job id. Times are `RationalTime.1` in whole frames at the cut's
/// own rate (12 at 12 fps, like the animatic: OpenTimelineIO's times are rational and need no timecode rate, so this
/// one export is not re-placed at `timelineRate` and keeps the cut's frames exactly); every source range starts at
/// frame 0 and the timeline at 00:00:00:00 (`global_start_time` 0). On the audio track a clip without sound, and
/// every slate, is an unnamed gap, so both tracks have the cut's length.
public enum OTIOExport {
    /// The `.otio` file's text (UTF-8 JSON, ending with a newline).
    public static func json(_ timeline: CutTimeline) -> String {
        let rate = timeline.exportRate
        let items = timeline.spans.map(\.item)
        var tracks = [track("V1", kind: "Video", items.map { videoItem($0, rate: rate) })]
        if items.contains(where: { $0.hasAudio && $0.clipPath != nil }) {
            tracks.append(track("A1", kind: "Audio", items.map { audioItem($0, rate: rate) }))
        }
        let stack = JSONValue.object([
            ("OTIO_SCHEMA", .string("Stack.1")),
            ("metadata", .object([])),
            ("name", .string("tracks")),
            ("source_range", .null),
            ("effects", .array([])),
            ("markers", .array([])),
            ("enabled", .bool(true)),
            ("children", .array(tracks)),
        ])
        let document = JSONValue.object([
            ("OTIO_SCHEMA", .string("Timeline.1")),
            ("metadata", .object([])),
            ("name", .string(timeline.name)),
            ("global_start_time", time(0, rate: rate)),
            ("tracks", stack),
        ])
        return document.pretty + "\n"
    }

    /// A `Track.1` of `children`.
    private static func track(_ name: String, kind: String, _ children: [JSONValue]) -> JSONValue {
        .object([
            ("OTIO_SCHEMA", .string("Track.1")),
            ("metadata", .object([])),
            ("name", .string(name)),
            ("source_range", .null),
            ("effects", .array([])),
            ("markers", .array([])),
            ("enabled", .bool(true)),
            ("children", .array(children)),
            ("kind", .string(kind)),
        ])
    }

    /// The clip, or the slate's named gap.
    private static func videoItem(_ item: CutItem, rate: Int) -> JSONValue {
        guard let path = item.clipPath else { return gap(item.name, frames: item.frames, rate: rate) }
        return clip(item, path: path, rate: rate)
    }

    /// The clip again if it has sound, else an unnamed gap of its length.
    private static func audioItem(_ item: CutItem, rate: Int) -> JSONValue {
        guard let path = item.clipPath, item.hasAudio else { return gap("", frames: item.frames, rate: rate) }
        return clip(item, path: path, rate: rate)
    }

    /// A `Clip.2` of the item's first `frames` frames of its file.
    private static func clip(_ item: CutItem, path: String, rate: Int) -> JSONValue {
        let reference = JSONValue.object([
            ("OTIO_SCHEMA", .string("ExternalReference.1")),
            ("metadata", .object([])),
            ("name", .string("")),
            ("available_range", range(item.frames, rate: rate)),
            ("available_image_bounds", .null),
            ("target_url", .string(CutItem.fileURL(path))),
        ])
        return .object([
            ("OTIO_SCHEMA", .string("Clip.2")),
            ("metadata", .object([])),
            ("name", .string(item.name)),
            ("source_range", range(item.frames, rate: rate)),
            ("effects", .array([])),
            ("markers", .array([])),
            ("enabled", .bool(true)),
            ("media_references", .object([("DEFAULT_MEDIA", reference)])),
            ("active_media_reference_key", .string("DEFAULT_MEDIA")),
        ])
    }

    /// A `Gap.1` of `frames` frames.
    private static func gap(_ name: String, frames: Int, rate: Int) -> JSONValue {
        .object([
            ("OTIO_SCHEMA", .string("Gap.1")),
            ("metadata", .object([])),
            ("name", .string(name)),
            ("source_range", range(frames, rate: rate)),
            ("effects", .array([])),
            ("markers", .array([])),
            ("enabled", .bool(true)),
        ])
    }

    /// A `TimeRange.1` from frame 0, `frames` long.
    private static func range(_ frames: Int, rate: Int) -> JSONValue {
        .object([
            ("OTIO_SCHEMA", .string("TimeRange.1")),
            ("duration", time(frames, rate: rate)),
            ("start_time", time(0, rate: rate)),
        ])
    }

    /// A `RationalTime.1` of `value` frames at `rate`.
    private static func time(_ value: Int, rate: Int) -> JSONValue {
        .object([
            ("OTIO_SCHEMA", .string("RationalTime.1")),
            ("rate", .int(rate)),
            ("value", .int(value)),
        ])
    }
}
