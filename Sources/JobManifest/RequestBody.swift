public import JSON
/// A job's request body: every field of the model's schema with its resolved value (defaults filled in), so
/// that writing a default out explicitly changes neither the body nor the key.
public struct RequestBody: Sendable, Equatable {
    /// The model's schema, which names the values.
    public let schema: ModelSchema
    /// One value per schema field, in schema order (`.absent` where a field without a default was not given).
    public let values: [BodyValue]

    /// Creates a body from values aligned with the schema's fields.
    public init(schema: ModelSchema, values: [BodyValue]) {
        self.schema = schema
        self.values = values
    }

    public static func == (lhs: RequestBody, rhs: RequestBody) -> Bool {
        lhs.schema === rhs.schema && lhs.values == rhs.values
    }

    /// The value of a field by name (`.absent` if the schema has no such field).
    public subscript(field: String) -> BodyValue {
        schema.position(of: field).map { values[$0] } ?? .absent
    }

    /// The clip's length in seconds.
    public var duration: Int { self[schema.durationField].integer ?? 0 }

    /// Whether the clip has sound.
    public var sound: Bool { schema.soundField.flatMap { self[$0].boolean } ?? false }

    /// The prompt segments as (prompt, seconds), empty when there are none.
    public var segments: [(prompt: String, duration: Int)] {
        guard let field = schema.segmentsField, case .segments(let items) = self[field] else { return [] }
        return items.map { ($0.first?.string ?? "", $0.count > 1 ? $0[1].integer ?? 0 : 0) }
    }

    /// How a local image is written into the JSON.
    public enum ImageForm: Sendable {
        /// `sha256:<hex>` of its bytes: the form the key hashes, so a moved file keeps its key.
        case digest
        /// Its absolute `file://` URL: the form `plan --json` shows.
        case fileURL
    }

    /// The body as JSON, keys sorted, absent fields left out, local images in the given form.
    public func json(images: ImageForm) -> JSONValue {
        json { image in
            switch images {
            case .digest: "sha256:" + image.sha256
            case .fileURL: image.fileURL
            }
        }
    }

    /// The body as JSON with each local image written as `encode` makes it (a data URI, for the API).
    public func json(encodingImages encode: (LocalImage) throws -> String) rethrows -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for (field, value) in zip(schema.fields, values) {
            guard let json = try Self.json(value, field: field, encode: encode) else { continue }
            members.append((field.name, json))
        }
        return JSONValue.object(members).sortedKeys()
    }

    private static func json(
        _ value: BodyValue,
        field: ModelSchema.Field,
        encode: (LocalImage) throws -> String
    ) rethrows -> JSONValue? {
        switch value {
        case .absent: return nil
        case .string(let text): return .string(text)
        case .integer(let number): return .int(number)
        case .boolean(let flag): return .bool(flag)
        case .image(.url(let url)): return .string(url)
        case .image(.file(let image)):
            return .string(try encode(image))
        case .segments(let items):
            guard case .segments(let itemFields, _) = field.kind else { return nil }
            return .array(try items.map { item in
                var members: [(key: String, value: JSONValue)] = []
                for (itemField, itemValue) in zip(itemFields, item) {
                    if let json = try Self.json(itemValue, field: itemField, encode: encode) { members.append((itemField.name, json)) }
                }
                return .object(members)
            })
        }
    }
}
