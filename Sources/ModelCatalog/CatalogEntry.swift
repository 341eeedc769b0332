public import JSON

/// One model of the catalogue: `{model_id, kind, price_unit, input_schema, categories}`, plus, in the shipped
/// snapshot, a published price and where each fact came from.
public struct CatalogEntry: Sendable, Equatable {
    /// What a model renders, from its categories (else its id's last segment): the catalogue's `kind` ("model")
    /// is not it.
    public enum OutputKind: String, Sendable, Equatable {
        case video, image, audio, unknown
    }

    public var modelID: String
    public var priceUnit: String?
    public var basePriceUSD: Double?
    public var categories: [String]
    public var schema: InputSchema
    /// The `input_schema` as sent: its digest tells a changed schema from an unchanged one.
    public var inputSchemaJSON: JSONValue
    /// Where the entry's facts came from, and when they were read (the snapshot's entries).
    public var sourceURL: String?
    public var sourceDate: String?

    /// Reads an entry; nil without a `model_id`.
    public init?(_ value: JSONValue) {
        guard let id = value["model_id"]?.string ?? value["id"]?.string, !id.isEmpty else { return nil }
        modelID = id
        priceUnit = value["price_unit"]?.string
        basePriceUSD = value["base_price_usd"]?.double
        categories = value["categories"]?.elements?.compactMap(\.string) ?? []
        inputSchemaJSON = value["input_schema"] ?? .object([])
        schema = InputSchema(inputSchemaJSON)
        sourceURL = value["source"]?["url"]?.string
        sourceDate = value["source"]?["date"]?.string
    }

    public var outputKind: OutputKind {
        for name in categories + [modelID.split(separator: "/").last.map(String.init) ?? ""] {
            if let kind = Self.kind(of: name.lowercased()) { return kind }
        }
        return .unknown
    }

    /// The design's rule: `*-to-video` video; `text-to-image`, `image-to-image`, `*edit*`, `*-to-image` image;
    /// `*-to-audio`, `*speech*`, `*music*` audio.
    static func kind(of name: String) -> OutputKind? {
        if name.hasSuffix("-to-video") || name == "first-last-frame" || name.hasSuffix("first-last-frame-to-video") { return .video }
        if name.hasSuffix("-to-image") || name.contains("edit") { return .image }
        if name.hasSuffix("-to-audio") || name.contains("speech") || name.contains("music") { return .audio }
        return nil
    }
}
