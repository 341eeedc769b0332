public import ModelCatalog

/// The models a manifest may use: every entry of one catalogue (a `--catalog` file, the cache, or the snapshot)
/// and, always, the seed model from its built-in table (a catalogue entry for it only adds its price).
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
        for entry in catalog.entries where schemas[entry.modelID] == nil && entry.modelID != seed.modelID {
            schemas[entry.modelID] = ModelSchema(entry: entry)
            ids.append(entry.modelID)
        }
        schemas[seed.modelID] = seed
        self.schemas = schemas
        knownIDs = ids
        allFieldNames = Set(schemas.values.flatMap { $0.fields.map(\.name) })
    }

    /// The schema of a model id, if the catalogue (or the built-in table) knows it.
    public func schema(_ modelID: String) -> ModelSchema? {
        schemas[modelID]
    }
}
