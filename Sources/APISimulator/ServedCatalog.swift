import Crypto
import JSON

/// The catalogue the simulator serves: its models in order, found by id, listed in pages.
struct ServedCatalog: Sendable {
    let models: [ServedModel]
    let pageSize: Int
    private let index: [String: Int]
    /// Each page's opaque cursor, and the offset it starts at.
    private let cursors: [String: Int]

    init(entries: [JSONValue], pageSize: Int, pricePerSecond: Double) {
        models = entries.compactMap { ServedModel(entry: $0, pricePerSecond: pricePerSecond) }
        self.pageSize = max(pageSize, 1)
        var index: [String: Int] = [:]
        for (position, model) in models.enumerated() where index[model.id] == nil {
            index[model.id] = position
        }
        self.index = index
        var cursors: [String: Int] = [:]
        for offset in stride(from: 0, to: max(models.count, 1), by: self.pageSize) {
            cursors[Self.cursor(offset, of: models.count)] = offset
        }
        self.cursors = cursors
    }

    func model(_ id: String) -> ServedModel? {
        index[id].map { models[$0] }
    }

    /// One page of `GET /v1/models`: `{"models", "has_more", "next_cursor"}`; nil for a cursor it never gave out.
    /// With `loop`, the last page says there is more and points back at the first.
    func page(cursor: String?, includeSchema: Bool, loop: Bool) -> JSONValue? {
        let offset: Int
        if let cursor {
            guard let start = cursors[cursor] else { return nil }
            offset = start
        } else {
            offset = 0
        }
        let end = min(offset + pageSize, models.count)
        let hasMore = end < models.count || loop
        let next = end < models.count ? Self.cursor(end, of: models.count) : Self.cursor(0, of: models.count)
        return .object([
            ("models", .array(models[offset..<end].map { $0.listed(includeSchema: includeSchema) })),
            ("has_more", .bool(hasMore)),
            ("next_cursor", hasMore ? .string(next) : .null),
        ])
    }

    /// An opaque cursor for the page starting at `offset`.
    private static func cursor(_ offset: Int, of count: Int) -> String {
        "c_" + Hex.lowercase(SHA256.hash(data: Array("models|\(count)|\(offset)".utf8))).prefix(16)
    }
}
