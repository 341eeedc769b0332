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
