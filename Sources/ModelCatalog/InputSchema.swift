public import JSON

/// A model's inputs: its fields in the order the catalogue lists them, and those it requires.
public struct InputSchema: Sendable, Equatable {
    public var fields: [FieldSchema]
    public var required: [String]
    /// Top-level keywords this reader does not act on.
    public var ignored: [String]

    public init(_ schema: JSONValue) {
        fields = (schema["properties"]?.members ?? []).map { FieldSchema(name: $0.key, schema: $0.value) }
        required = schema["required"]?.elements?.compactMap(\.string) ?? []
        ignored = (schema.members ?? []).map(\.key).filter { !["type", "properties", "required"].contains($0) }
    }

    public func field(_ name: String) -> FieldSchema? {
        fields.first { $0.name == name }
    }
}
