import JSON

/// What a model renders, and how its files and the result's `output` look.
enum OutputKind: String, Sendable {
    case video, image, audio

    /// From the model's `categories`, else its id's last segment: `*-to-video` (and `first-last-frame`) video;
    /// `text-to-image`, `image-to-image`, `*edit*`, `*-to-image` image; `*-to-audio`, `*speech*`, `*music*` audio.
    /// A model none of them names renders video, the API's usual kind.
    init(categories: [String], modelID: String) {
        let names = categories + [modelID.split(separator: "/").last.map(String.init) ?? ""]
        self = names.lazy.compactMap { Self.named($0.lowercased()) }.first ?? .video
    }

    private static func named(_ name: String) -> OutputKind? {
        if name.hasSuffix("-to-video") || name == "first-last-frame" { return .video }
        if name.hasSuffix("-to-image") || name.contains("edit") { return .image }
        if name.hasSuffix("-to-audio") || name.contains("speech") || name.contains("music") { return .audio }
        return nil
    }

    var fileExtension: String {
        switch self {
        case .video: "mp4"
        case .image: "png"
        case .audio: "wav"
        }
    }

    var contentType: String {
        switch self {
        case .video: "video/mp4"
        case .image: "image/png"
        case .audio: "audio/wav"
        }
    }

    /// The result's `output` member for these URLs: `video`/`videos`, always `images`, `audio`/`audios`.
    func output(_ urls: [String]) -> (key: String, value: JSONValue) {
        let list = JSONValue.array(urls.map(JSONValue.string))
        switch self {
        case .image: return ("images", list)
        case .video: return urls.count == 1 ? ("video", .string(urls[0])) : ("videos", list)
        case .audio: return urls.count == 1 ? ("audio", .string(urls[0])) : ("audios", list)
        }
    }
}
