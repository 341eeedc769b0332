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
    /// `message`, or `error` as a string or an object with a `message`), a `detail`.
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
        let detail = json.present("detail").map(text(of:))
        if message == nil, let detail { message = detail }
        return ErrorBody(errorCode: code, message: message.map { String($0.prefix(2_000)) }, detail: detail.map { String($0.prefix(4_000)) })
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
        case .string(let url)?: return [url]
        case .object(let members)?:
            let fields = ReplyObject(members: members)
            if let video = fields.string("video"), !video.isEmpty { return [video] }
            if let videos = strings(fields["videos"]), !videos.isEmpty { return videos }
            if let image = fields.string("image"), !image.isEmpty { return [image] }
            if let images = strings(fields["images"]), !images.isEmpty { return images }
            return []
        default: return []
        }
    }

    /// A list of strings only.
    private static func strings(_ value: JSONValue?) -> [String]? {
        guard case .array(let items)? = value else { return nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { return nil }
            strings.append(text)
        }
        return strings
    }
}
