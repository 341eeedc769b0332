public import JSON

/// One model of the catalogue: `{model_id, kind, price_unit, input_schema, categories}`, plus, in the shipped
/// snapshot, a published price and where each fact came from.
public struct CatalogEntry: Sendable, Equatable {
    /// What a model renders (see `outputKind`): the catalogue's `kind` ("model") is not it.
    public enum OutputKind: String, Sendable, Equatable {
        case video, image, audio, unknown
    }

    public var modelID: String
    public var priceUnit: String?
    public var basePriceUSD: Double?
    public var categories: [String]
    public var schema: InputSchema
    /// The price's own words (`pricing_note`), where the entry carries them ("sound adds 25%").
    public var pricingNote: String?
    /// The `input_schema` as sent: its digest tells a changed schema from an unchanged one.
    public var inputSchemaJSON: JSONValue
    /// Where the entry's facts came from, and when they were read (the snapshot's entries).
    public var sourceURL: String?
    public var sourceDate: String?

    /// Whether the entry carries an input schema at all (a page fetched without `include_schema=true` has none).
    public var hasInputSchema: Bool { inputSchemaJSON["properties"]?.members != nil }

    /// Reads an entry; nil without a `model_id`.
    public init?(_ value: JSONValue) {
        guard let id = value["model_id"]?.string ?? value["id"]?.string, !id.isEmpty else { return nil }
        modelID = id
        priceUnit = value["price_unit"]?.string
        basePriceUSD = value["base_price_usd"]?.double
        categories = value["categories"]?.elements?.compactMap(\.string) ?? []
        pricingNote = value["pricing_note"]?.string ?? value["price"]?["pricing_note"]?.string ?? value["pricing"]?["pricing_note"]?.string
        inputSchemaJSON = value["input_schema"] ?? .object([])
        schema = InputSchema(inputSchemaJSON)
        sourceURL = value["source"]?["url"]?.string
        sourceDate = value["source"]?["date"]?.string
    }

    /// What the model renders: from its categories, else from its id's segments (any of them, the nearest the end
    /// first: `.../image-to-video/1080p` is video) and, for an edit model, its main media input (the first required
    /// media field, else the first media field): a video edit model renders video. Where no segment follows the
    /// design's patterns, a segment that names a medium (`extend-video`, `audio-inpaint`) or a clip's verb
    /// (`transition`, `extend`) decides.
    public var outputKind: OutputKind {
        for category in categories {
            if let kind = Self.kind(of: category.lowercased(), mainInput: mainMediaInput) { return kind }
        }
        let segments = modelID.lowercased().split(separator: "/").reversed().map(String.init)
        for segment in segments {
            if let kind = Self.kind(of: segment, mainInput: mainMediaInput) { return kind }
        }
        for segment in segments {
            if let kind = Self.medium(named: segment, mainInput: mainMediaInput) { return kind }
        }
        return .unknown
    }

    /// The kind of the model's main media input: its first required media field's, else its first media field's.
    var mainMediaInput: FieldSchema.Media? {
        let media = schema.fields.filter { $0.media != nil }
        return (media.first { schema.required.contains($0.name) } ?? media.first)?.media?.kind
    }

    /// The design's rule for one name (a category or an id's segment): `*-to-video`, `video-edit`, `edit-video` (and
    /// `first-last-frame`) video; `*-to-image` (`text-to-image`, `image-to-image`) image; another `*edit*` the kind of
    /// its main media input (image when it has none); `*-to-audio`, `*speech*`, `*music*` audio; `video`, `image`
    /// and `audio` alone name themselves. Nil for any other name (`1080p`, `fast`, `pro`, a family's name).
    static func kind(of name: String, mainInput: FieldSchema.Media? = nil) -> OutputKind? {
        if name.contains("-to-video") || name.hasPrefix("first-last-frame") || name.contains("video-edit") || name.contains("edit-video") { return .video }
        if name.contains("-to-image") { return .image }
        if name.contains("-to-audio") || name.contains("speech") || name.contains("music") { return .audio }
        if name.contains("edit") {
            return switch mainInput {
            case .video?: .video
            case .audio?: .audio
            case .image?, nil: .image
            }
        }
        return switch name {
        case "video", "videos": .video
        case "image", "images": .image
        case "audio": .audio
        default: nil
        }
    }

    /// The weaker reading, once no name follows the patterns: a name with a medium in it (`extend-video` video,
    /// `audio-inpaint` audio, `image-upscale` image); `transition` (between two frames) video; `extend` the kind of
    /// what it extends (its main media input).
    static func medium(named name: String, mainInput: FieldSchema.Media?) -> OutputKind? {
        let words = name.split { $0 == "-" || $0 == "_" || $0 == "." }
        if words.contains("video") || words.contains("videos") { return .video }
        if words.contains("audio") || words.contains("audios") { return .audio }
        if words.contains("image") || words.contains("images") { return .image }
        if words.contains("transition") { return .video }
        if words.contains("extend") {
            return switch mainInput {
            case .video?: .video
            case .audio?: .audio
            case .image?, nil: nil
            }
        }
        return nil
    }
}
