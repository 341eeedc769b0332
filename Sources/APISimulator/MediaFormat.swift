import Foundation

/// A media field's kind and count, from its `format`, and what a value of it may be: an https URL, or a base64 data
/// URI of a type of that kind.
struct MediaFormat: Sendable, Equatable {
    enum Kind: String, Sendable {
        case image, video, audio

        /// The data URI types the service takes for this kind.
        var mimeTypes: [String] {
            switch self {
            case .image: ["image/png", "image/jpeg", "image/webp"]
            case .video: ["video/mp4", "video/quicktime", "video/webm"]
            case .audio: ["audio/wav", "audio/mpeg", "audio/ogg", "audio/flac", "audio/mp4"]
            }
        }

        /// "an image", "a video", "an audio": for messages.
        var article: String { self == .video ? "a video" : "an \(rawValue)" }
    }

    var kind: Kind
    /// A list of them (`image_uris`) rather than one (`image_uri`).
    var many: Bool

    /// `image_uri`, `image_uris`, `video_uri`, `video_uris`, `audio_uri`, `audio_uris`; nil for any other format.
    init?(format: String) {
        let many = format.hasSuffix("_uris")
        guard many || format.hasSuffix("_uri"), let kind = Kind(rawValue: String(format.prefix { $0 != "_" })),
              format == kind.rawValue + (many ? "_uris" : "_uri") else { return nil }
        self.kind = kind
        self.many = many
    }

    /// Whether `text` is a public https URL or a data URI of this kind with a valid base64 payload.
    func accepts(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.hasPrefix("https://") {
            let rest = text.dropFirst("https://".count)
            return !rest.isEmpty && !rest.hasPrefix("/") && !text.contains(where: \.isWhitespace)
        }
        for type in kind.mimeTypes where lower.hasPrefix("data:\(type);base64,") {
            let payload = String(text.dropFirst("data:\(type);base64,".count))
            return !payload.isEmpty && Data(base64Encoded: payload) != nil
        }
        return false
    }

    /// The message for a value it refuses.
    var refusal: String { "must be a public https URL or \(kind.article) data URI" }
}
