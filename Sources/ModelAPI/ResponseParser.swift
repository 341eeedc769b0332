import Foundation

/// Reads the service's JSON answers. Lenient where the docs are silent (numbers as strings, extra fields),
/// strict where money is at stake (a submit without a usable request id is not a success).
enum ResponseParser {
    /// The body as a JSON object, or nil when it is not one.
    static func object(_ body: [UInt8]) -> [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any]
    }

    /// The error fields of a body: `error_code`, a message, a `detail`.
    static func errorBody(_ json: [String: Any]?) -> ErrorBody {
        guard let json else { return ErrorBody() }
        let code = integer(json["error_code"])
        var message: String?
        for key in ["error_message", "message", "error"] {
            if let text = json[key] as? String, !text.isEmpty {
                message = text
                break
            }
            if let object = json[key] as? [String: Any] {
                message = (object["message"] as? String) ?? text(of: object)
                break
            }
        }
        let detail = json["detail"].flatMap { $0 is NSNull ? nil : text(of: $0) }
        if message == nil, let detail { message = detail }
        return ErrorBody(errorCode: code, message: message.map { String($0.prefix(2_000)) }, detail: detail.map { String($0.prefix(4_000)) })
    }

    /// An integer from a number or a numeric string.
    static func integer(_ value: Any?) -> Int? {
        if let number = value as? Int { return number }
        if let number = value as? Double, number == number.rounded() { return Int(number) }
        if let text = value as? String { return Int(text) }
        return nil
    }

    /// A number from a number or a numeric string.
    static func number(_ value: Any?) -> Double? {
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        if let text = value as? String { return Double(text) }
        return nil
    }

    /// Any JSON value as compact text (a string as itself).
    static func text(of value: Any) -> String? {
        if let text = value as? String { return text }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Output URLs: `output.video`, falling back to `output.videos`, `output.image`, `output.images`.
    static func outputs(_ json: [String: Any]) -> [String] {
        guard let output = json["output"] else { return [] }
        if let url = output as? String { return [url] }
        guard let fields = output as? [String: Any] else { return [] }
        if let video = fields["video"] as? String, !video.isEmpty { return [video] }
        if let videos = fields["videos"] as? [String], !videos.isEmpty { return videos }
        if let image = fields["image"] as? String, !image.isEmpty { return [image] }
        if let images = fields["images"] as? [String], !images.isEmpty { return images }
        return []
    }
}
