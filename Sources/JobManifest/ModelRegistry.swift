public import ModelCatalog

/// The models a manifest may use: every entry of one catalogue (a `--catalog` file, the cache, or the snapshot)
/// and, always, the seed model from its built-in table (a catalogue entry for it changes nothing: its fields,
/// defaults and keys are the table's).
public struct ModelRegistry: Sendable {
    /// The catalogue read.
    public let catalog: Catalog
    private let schemas: [String: ModelSchema]
    /// Every model id known, the seed's first, then the catalogue's order.
    public let knownIDs: [String]
    /// Every field name of every known model: a default naming none of them is a typo, not another model's field.
    let allFieldNames: Set<String>

    public init(catalog: Catalog = .snapshot) {
        self.catalog = catalog
        let seed = ModelSchema.klingO3ProImageToVideo
        var schemas: [String: ModelSchema] = [:]
        var ids = [seed.modelID]
        // An id goes into the request path as it is: only ids that cannot change the path are taken.
        for entry in catalog.entries where schemas[entry.modelID] == nil && entry.modelID != seed.modelID && Self.isSafeID(entry.modelID) {
            schemas[entry.modelID] = ModelSchema(entry: entry)
            ids.append(entry.modelID)
        }
        schemas[seed.modelID] = seed
        self.schemas = schemas
        knownIDs = ids
        allFieldNames = Set(schemas.values.flatMap { $0.fields.map(\.name) })
    }

    /// Letters, digits, `.`, `_`, `-` and `/`, with no empty, `.` or `..` segment.
    static func isSafeID(_ id: String) -> Bool {
        id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || [0x2E, 0x5F, 0x2D, 0x2F].contains(byte)
        } && !id.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// The schema of a model id, if the catalogue (or the built-in table) knows it.
    public func schema(_ modelID: String) -> ModelSchema? {
        schemas[modelID]
    }
}
