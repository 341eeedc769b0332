import JSON

/// A validation error's `detail` in words, for the ledger's error and everything that shows it.
///
/// FastAPI (and so, most likely, RunComfy) answers a refused body with a list of `{"loc", "msg", "type"}`:
/// `[{"loc":["body","image_urls",0],"msg":"must be a public https URL"}]` reads `image_urls[0]: must be a public
/// https URL`. A string is taken as it is; any other shape as compact JSON. The text is bounded: a long list is cut
/// after the entries that fit, with how many were left out.
enum ValidationDetail {
    /// The longest text kept, in characters.
    static let limit = 600

    /// The detail in words; nil when it says nothing.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text.isEmpty ? nil : bounded(text)
        case .array(let items) where !items.isEmpty && items.allSatisfy({ $0["msg"]?.string != nil }):
            let entries = items.map(entry)
            var kept: [String] = []
            var length = 0
            for entry in entries {
                let added = entry.count + (kept.isEmpty ? 0 : 2)
                if length + added > limit - 24, !kept.isEmpty { break }
                kept.append(entry)
                length += added
            }
            var text = kept.joined(separator: "; ")
            if kept.count < entries.count { text += "; and \(entries.count - kept.count) more" }
            return bounded(text)
        default:
            return bounded(value.sortedKeys().compact)
        }
    }

    /// One entry: its location as a field path (without the leading `body`), then its message.
    static func entry(_ item: JSONValue) -> String {
        let message = item["msg"]?.string ?? ""
        let path = self.path(item["loc"]?.elements ?? [])
        return path.isEmpty ? message : "\(path): \(message)"
    }

    /// `["body", "image_urls", 0, "url"]` as `image_urls[0].url`.
    static func path(_ location: [JSONValue]) -> String {
        var parts = location
        if case .string(let first)? = parts.first, ["body", "query", "path"].contains(first), parts.count > 1 { parts.removeFirst() }
        var text = ""
        for part in parts {
            switch part {
            case .int(let index): text += "[\(index)]"
            case .string(let name): text += text.isEmpty ? name : ".\(name)"
            default: text += text.isEmpty ? part.compact : ".\(part.compact)"
            }
        }
        return text
    }

    private static func bounded(_ text: String) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
