/// The storyboard's cut as an editor's timeline: one track of items in manifest order, each a clip (the shot's
/// picked or lowest completed take) or a slate (a shot with no clip, kept at its planned length so the cut keeps
/// the storyboard's timing). Times are whole frames at `rate`; an item starts where the one before it ends.
///
/// The exporters (`OTIOExport`, `EDLExport`, `FCP7Export`, `FCPXMLExport`) write this one value; the animatic MP4
/// is rendered from it too, so every form of the cut agrees. The EDL and the Final Cut XMLs write it at the standard
/// rate nearest `rate` (`timelineRate`, `retimed(to:)`): timecode cannot count 12 frames a second.
public struct CutTimeline: Sendable, Equatable {
    /// The sequence's name (the manifest's stem).
    public var name: String
    /// Frames per second, a whole number (24, 25, 30, ...).
    public var rate: Int
    /// The picture size every clip is scaled and padded to.
    public var width: Int
    public var height: Int
    public var items: [CutItem]

    public init(name: String, rate: Int, width: Int, height: Int, items: [CutItem]) {
        self.name = name
        self.rate = rate
        self.width = width
        self.height = height
        self.items = items
    }

    /// The whole cut's length in frames.
    public var frames: Int { items.reduce(0) { $0 + $1.frames } }

    /// Each item with the frame it starts at on the timeline.
    public var placed: [(start: Int, item: CutItem)] {
        var start = 0
        return items.map { item in
            defer { start += item.frames }
            return (start, item)
        }
    }
}

/// One shot on the timeline.
public struct CutItem: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A clip on disk: its absolute path (exports reference it as a `file://` URL).
        case clip(path: String)
        /// No clip: a slate of the shot's planned length (its start frame when local, else black).
        case slate(image: String?)
    }

    /// The job id (`dusk/lamp~2`): the clip's name in every export.
    public var name: String
    public var source: Source
    /// Its length on the timeline, in frames (the shot's planned duration at the cut's rate).
    public var frames: Int
    /// Whether the clip has an audio track (a slate has none).
    public var hasAudio: Bool

    public init(name: String, source: Source, frames: Int, hasAudio: Bool = false) {
        self.name = name
        self.source = source
        self.frames = frames
        self.hasAudio = hasAudio
    }

    /// `file:///abs/path.mp4` with the path percent-encoded where a URL needs it (spaces, `#`, `?`, `%`).
    public static func fileURL(_ path: String) -> String {
        var out = "file://"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                out += "%"
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return out
    }
}
