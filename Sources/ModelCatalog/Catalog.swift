import Foundation
public import JSON

/// The models shotrunner knows: a saved catalogue response (`--catalog FILE`, the cache), else the snapshot shipped
/// inside the binary.
public struct Catalog: Sendable {
    public var entries: [CatalogEntry]
    /// Where it came from (`snapshot`, a file's path) and when it was fetched, as far as known.
    public var source: String
    public var fetchedAt: String?

    /// Why a catalogue file cannot be read.
    public struct Unreadable: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public init(entries: [CatalogEntry], source: String, fetchedAt: String?) {
        self.entries = entries
        self.source = source
        self.fetchedAt = fetchedAt
    }

    /// Reads a catalogue response: an object with the entries under `models` (or `data`, `items`, `results`), or a
    /// bare array of entries (pages concatenated).
    public init(json: JSONValue, source: String) throws(Unreadable) {
        let list = json.elements ?? ["models", "data", "items", "results"].lazy.compactMap { json[$0]?.elements }.first
        guard let list else { throw Unreadable(path: source, reason: "neither an array of models nor an object with them under \"models\"") }
        entries = list.compactMap(CatalogEntry.init)
        self.source = source
        fetchedAt = json["fetched_at"]?.string
        warnings = Self.warnings(entries, hasMore: json["has_more"]?.bool == true, source: source)
    }

    /// What is wrong with a catalogue that still loads, one line each: entries without input schemas (a page saved
    /// without `include_schema=true`), a model id listed twice, a saved page that says more pages follow.
    public var warnings: [String] = []

    static func warnings(_ entries: [CatalogEntry], hasMore: Bool, source: String) -> [String] {
        var warnings: [String] = []
        let bare = entries.filter { !$0.hasInputSchema }.map(\.modelID)
        if !bare.isEmpty {
            let which = bare.count == entries.count ? "has no input schemas (none of its \(entries.count) models)"
                : "has no input schema for \(bare.count) of its \(entries.count) models (\(Self.named(bare)))"
            warnings.append(
                "the catalogue \(source) \(which): it was saved without include_schema=true, and a model without a schema cannot be "
                    + "validated; run 'shotrunner models refresh', or save GET /v1/models?include_schema=true"
            )
        }
        var seen: Set<String> = []
        var twice: [String] = []
        for entry in entries where !seen.insert(entry.modelID).inserted && !twice.contains(entry.modelID) { twice.append(entry.modelID) }
        if !twice.isEmpty {
            warnings.append("the catalogue \(source) lists \(twice.count == 1 ? "a model id" : "\(twice.count) model ids") more than once (\(Self.named(twice))); the first entry of each is used")
        }
        if hasMore {
            warnings.append(
                "the catalogue \(source) is one page of several (it says has_more: true): models on later pages are unknown; "
                    + "'shotrunner models refresh' fetches every page"
            )
        }
        return warnings
    }

    /// Up to three ids, then how many more.
    static func named(_ ids: [String]) -> String {
        ids.count <= 3 ? ids.joined(separator: ", ") : ids.prefix(3).joined(separator: ", ") + " and \(ids.count - 3) more"
    }

    /// The shipped snapshot's text: a catalogue response (`{"fetched_at", "source", "models": [...]}`), for a
    /// simulator that serves it with its own reader.
    public static var snapshotJSON: String { CatalogSnapshot.json }

    /// The shipped snapshot.
    public static let snapshot: Catalog = {
        (try? Catalog(json: JSONValue.parse(CatalogSnapshot.json), source: "snapshot")) ?? Catalog(entries: [], source: "snapshot", fetchedAt: nil)
    }()

    /// Where `models refresh` keeps the live catalogue: `$XDG_CACHE_HOME/shotrunner/catalog.json`, else
    /// `~/.cache/shotrunner/catalog.json`.
    public static func cachePath(environment: [String: String]) -> String {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/shotrunner/catalog.json" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/shotrunner/catalog.json"
    }

    public func entry(_ id: String) -> CatalogEntry? {
        entries.first { $0.modelID == id }
    }
}
