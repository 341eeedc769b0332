public import JSON

/// A value in a request body.
public enum BodyValue: Sendable, Equatable {
    /// The field is not in the body.
    case absent
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A boolean.
    case boolean(Bool)
    /// A number that is not always an integer (the dialect's `float`), written in its shortest form.
    case number(Double)
    /// A media file: a URL sent as it is, or a local file.
    case media(MediaSource)
    /// A list of values (media files, strings, numbers).
    case list([BodyValue])
    /// Objects (prompt segments), each an array of values aligned with the item fields of the schema.
    case segments([[BodyValue]])
    /// A value the schema does not describe, sent as written.
    case json(JSONValue)

    /// The integer, if this is one.
    public var integer: Int? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The string, if this is one.
    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The boolean, if this is one.
    public var boolean: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The value as a number, if it is an integer or a number.
    public var numeric: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}

/// Where a media file comes from.
public enum MediaSource: Sendable, Equatable {
    /// An https URL, sent as it is.
    case url(String)
    /// A local file, checked and hashed once however many jobs use it.
    case file(LocalMedia)
    /// Another job's output, before that job has completed. (Boxed, as is `resolved`: inline they made every body
    /// value 80 bytes where 24 do, 39 MB of a 100,000-job manifest's bodies.)
    indirect case reference(JobReference)
    /// Another job's output, once it has: its digest (and, at submit, the file to send).
    indirect case resolved(ResolvedInput)
}

/// A local media file that passed the checks: a regular file within its kind's size limit whose bytes are an
/// image (PNG, JPEG, WebP), a video (MP4, MOV, WebM) or audio (WAV, MP3, OGG, FLAC, M4A).
public final class LocalMedia: Sendable, Equatable {
    /// The absolute path.
    public let path: String
    /// SHA-256 of the bytes, lowercase hex.
    public let sha256: String
    /// The size in bytes.
    public let byteCount: Int
    /// The MIME type its bytes show (`image/png`, `video/mp4`, `audio/wav`, ...).
    public let mediaType: String

    /// Image, video or audio, from the media type.
    public var kind: MediaKind {
        if mediaType.hasPrefix("video/") { return .video }
        if mediaType.hasPrefix("audio/") { return .audio }
        return .image
    }

    /// Creates a record of a checked file.
    public init(path: String, sha256: String, byteCount: Int, mediaType: String) {
        self.path = path
        self.sha256 = sha256
        self.byteCount = byteCount
        self.mediaType = mediaType
    }

    public static func == (lhs: LocalMedia, rhs: LocalMedia) -> Bool {
        lhs.path == rhs.path && lhs.sha256 == rhs.sha256
    }

    /// The file's absolute `file://` URL, as `plan --json` shows it.
    public var fileURL: String {
        "file://" + path.split(separator: "/", omittingEmptySubsequences: false).map { percentEncodePathSegment(String($0)) }.joined(separator: "/")
    }
}

/// Percent-encodes what a URL path segment cannot hold as it is.
func percentEncodePathSegment(_ segment: String) -> String {
    var out = ""
    for byte in segment.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
    }
    return out
}
