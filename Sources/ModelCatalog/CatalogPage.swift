public import JSON

/// One page of `GET /v1/models?include_schema=true`. The paging fields are not documented, so every shape seen
/// or likely is read: `{"models": [...], "has_more": true, "next_cursor": "c"}` (the next page asked with
/// `cursor=c`), the array under `data`, `items` or `results`, a bare array (one page), and a `next` URL.
public struct CatalogPage: Sendable {
    /// Where the next page is.
    public enum Next: Sendable, Equatable {
        case cursor(String)
        case url(String)
    }

    /// The page's entries, as sent.
    public var entries: [JSONValue]
    /// The next page, if there is one.
    public var next: Next?

    /// Reads a page; nil when it holds no list of entries.
    public init?(_ json: JSONValue) {
        if let list = json.elements {
            entries = list
            next = nil
            return
        }
        guard let list = ["models", "data", "items", "results"].lazy.compactMap({ json[$0]?.elements }).first else { return nil }
        entries = list
        let hasMore = json["has_more"]?.bool
        if let cursor = json["next_cursor"]?.string ?? json["cursor"]?.string, !cursor.isEmpty, hasMore ?? true {
            next = .cursor(cursor)
        } else if let url = json["next"]?.string ?? json["next_url"]?.string, !url.isEmpty, hasMore ?? true {
            next = .url(url)
        } else {
            next = nil
        }
    }
}
