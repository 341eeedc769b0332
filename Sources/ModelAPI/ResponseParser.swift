import JSON

/// Reads the service's JSON answers. Lenient where the docs are silent (numbers as strings, extra fields),
/// strict where money is at stake (a submit without a usable request id is not a success).
enum ResponseParser {
    /// The body as a JSON object, or nil when it is not one.
    static func object(_ body: [UInt8]) -> ReplyObject? {
        guard !body.isEmpty else { return nil }
        let value = try? JSONValue.parse(body)
        guard case .object(let members)? = value else { return nil }
        return ReplyObject(members: members)
    }

    /// The error fields of a body: `error_code` (a number or a numeric string), a message (`error_message`,
    /// `message`, or `error` as a string or an object with a `message`), a `detail` (as sent, and in words).
    static func errorBody(_ json: ReplyObject?) -> ErrorBody {
        guard let json else { return ErrorBody() }
        let code = integer(json["error_code"])
        var message: String?
        for key in ["error_message", "message", "error"] {
            if let text = json.string(key), !text.isEmpty {
                message = text
                break
            }
            if case .object(let members)? = json[key] {
                message = ReplyObject(members: members).string("message") ?? text(of: .object(members))
                break
            }
        }
        let detailValue = json.present("detail")
        let detail = detailValue.map(text(of:))
        let reasons = detailValue.flatMap(ValidationDetail.text)
        if message == nil { message = reasons }
        return ErrorBody(
            errorCode: code, message: message.map { String($0.prefix(2_000)) }, detail: detail.map { String($0.prefix(4_000)) }, reasons: reasons
        )
    }

    /// An integer from an integral number or a numeric string.
    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let number)?: number
        case .number(let number)?: Int(exactly: number)
        case .string(let text)?: Int(text)
        default: nil
        }
    }

    /// A number from a number or a numeric string.
    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number)?: number
        case .int(let number)?: Double(number)
        case .string(let text)?: Double(text)
        default: nil
        }
    }

    /// Any JSON value as text: a string as itself, anything else as compact JSON with sorted keys.
    static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.sortedKeys().compact
    }

    /// Output URLs: `output` itself when a string; else `output.video`, falling back to `output.videos`,
    /// `output.image`, `output.images` (a list counts only when every item is a string).
    static func outputs(_ json: ReplyObject) -> [String] {
        switch json["output"] {
        case .string(let url)?: return url.isEmpty ? [] : [url]
        case .object(let members)?:
            // Every URL under every key the design names (a result may carry a video and its audio), in that order;
            // an item may be a URL or an object with a `url`.
            let fields = ReplyObject(members: members)
            var urls: [String] = []
            for key in ["video", "videos", "image", "images", "audio", "audios"] {
                for url in Self.urls(fields[key]) where !urls.contains(url) { urls.append(url) }
            }
            return urls
        case .array(let items)?:
            return items.flatMap { Self.urls($0) }
        default: return []
        }
    }

    /// The URLs a value holds: a string, an object with a `url`, or a list of either.
    private static func urls(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: return text.isEmpty ? [] : [text]
        case .object(let members)?:
            if case .string(let text)? = members.first(where: { $0.key == "url" })?.value, !text.isEmpty { return [text] }
            return []
        case .array(let items)?: return items.flatMap { urls($0) }
        default: return []
        }
    }
}
