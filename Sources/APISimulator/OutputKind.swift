import JSON

/// What a model renders, and how its files and the result's `output` look.
enum OutputKind: String, Sendable {
    case video, image, audio

    /// From the model's `categories`, else its id's segments, nearest the end first (`.../image-to-video/1080p` is
    /// video): `*-to-video`, `first-last-frame*`, `video-edit`, `edit-video` video; `*-to-image` image; any other
    /// `*edit*` the kind of the schema's main media input (its first required media field, else its first);
    /// `*-to-audio`, `*speech*`, `*music*` audio. A model none of them names renders video, the API's usual kind.
    init(categories: [String], modelID: String, schema: ObjectRule) {
        let media = schema.fields.filter { $0.rule.media != nil }
        let main = (media.first { schema.required.contains($0.name) } ?? media.first)?.rule.media?.kind
        let segments = modelID.lowercased().split(separator: "/").reversed().map(String.init)
        let names = categories.map { $0.lowercased() } + segments
        self = names.lazy.compactMap { Self.named($0, mainInput: main) }.first
            ?? segments.lazy.compactMap { Self.medium($0, mainInput: main) }.first ?? .video
    }

    /// A segment that names a medium among its words (`extend-video`, `audio-inpaint`), a `transition` (a clip), or
    /// an `extend` of its main input.
    private static func medium(_ segment: String, mainInput: MediaFormat.Kind?) -> OutputKind? {
        let words = Set(segment.split { "-_.".contains($0) }.map(String.init))
        if !words.isDisjoint(with: ["video", "videos", "transition"]) { return .video }
        if !words.isDisjoint(with: ["audio", "audios"]) { return .audio }
        if !words.isDisjoint(with: ["image", "images"]) { return .image }
        if words.contains("extend") { return mainInput.map { $0 == .video ? .video : $0 == .audio ? .audio : .image } }
        return nil
    }

    private static func named(_ name: String, mainInput: MediaFormat.Kind?) -> OutputKind? {
        if name.contains("-to-video") || name.hasPrefix("first-last-frame") || name.contains("video-edit") || name.contains("edit-video") {
            return .video
        }
        if name.contains("-to-image") { return .image }
        if name.contains("-to-audio") || name.contains("speech") || name.contains("music") { return .audio }
        if name.contains("edit") { return mainInput == .video ? .video : (mainInput == .audio ? .audio : .image) }
        // A category may name the medium alone.
        return switch name {
        case "video", "videos": .video
        case "image", "images": .image
        case "audio": .audio
        default: nil
        }
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
