import JSON
/// Checks a submit's body against the model's input schema, written here from the seed (the API page) with this
/// module's own code, so that it and the manifest module catch each other's mistakes.
///
/// `image` and `prompt` required; `image`/`end_image` an https URL or an image data URI; `duration` an integer
/// 3..15 (default 5); `sound` a boolean; `shot_type` `customize` | `intelligent`; `multi_prompt` at most 20
/// `{prompt, duration 3..15 (default 5)}` whose durations add up to the clip's; no other field.
enum InputValidator {
    /// One problem, in the shape of a validation error's `detail` entry.
    struct Problem: Equatable {
        var location: [String]
        var message: String
        var type: String

        var json: JSONValue {
            .object([("loc", .array((["body"] + location).map(JSONValue.string))), ("msg", .string(message)), ("type", .string(type))])
        }
    }

    static let fields: Set<String> = ["image", "prompt", "end_image", "duration", "sound", "shot_type", "multi_prompt"]

    /// Every problem with the body; empty when it is valid.
    static func problems(in body: JSONValue) -> [Problem] {
        guard case .object(let members) = body else {
            return [Problem(location: [], message: "the body must be a JSON object", type: "type_error.dict")]
        }
        var problems: [Problem] = []
        for (key, _) in members where !fields.contains(key) {
            problems.append(Problem(location: [key], message: "extra fields not permitted", type: "value_error.extra"))
        }
        problems += image(body["image"], "image", required: true)
        problems += image(body["end_image"], "end_image", required: false)
        switch body["prompt"] {
        case .string(let text)? where !text.isEmpty: break
        case nil: problems.append(Problem(location: ["prompt"], message: "field required", type: "value_error.missing"))
        default: problems.append(Problem(location: ["prompt"], message: "must be a non-empty string", type: "type_error.str"))
        }
        let duration = integer(body["duration"], "duration", default: 5, into: &problems)
        if let sound = body["sound"], case .bool = sound {} else if body["sound"] != nil {
            problems.append(Problem(location: ["sound"], message: "value could not be parsed to a boolean", type: "type_error.bool"))
        }
        if let shotType = body["shot_type"] {
            if case .string(let value) = shotType, ["customize", "intelligent"].contains(value) {} else {
                problems.append(Problem(location: ["shot_type"], message: "value is not a valid enumeration member; permitted: 'customize', 'intelligent'", type: "type_error.enum"))
            }
        }
        if let segments = body["multi_prompt"] {
            problems += multiPrompt(segments, duration: duration)
        }
        return problems
    }

    private static func image(_ value: JSONValue?, _ name: String, required: Bool) -> [Problem] {
        guard let value else {
            return required ? [Problem(location: [name], message: "field required", type: "value_error.missing")] : []
        }
        guard case .string(let text) = value else {
            return [Problem(location: [name], message: "must be a string", type: "type_error.str")]
        }
        let lower = text.lowercased()
        if lower.hasPrefix("https://"), text.count > 8, !text.contains(" ") { return [] }
        for type in ["image/png", "image/jpeg", "image/webp"] where lower.hasPrefix("data:\(type);base64,") {
            let payload = text.dropFirst("data:\(type);base64,".count)
            if !payload.isEmpty, payload.utf8.allSatisfy(isBase64) { return [] }
        }
        return [Problem(location: [name], message: "must be a public https URL or an image data URI", type: "value_error.url")]
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    private static func integer(_ value: JSONValue?, _ location: String..., default defaultValue: Int, into problems: inout [Problem]) -> Int? {
        guard let value else { return defaultValue }
        guard case .int(let number) = value else {
            problems.append(Problem(location: location, message: "value is not a valid integer", type: "type_error.integer"))
            return nil
        }
        guard (3...15).contains(number) else {
            problems.append(Problem(location: location, message: "ensure this value is between 3 and 15", type: "value_error.number.range"))
            return nil
        }
        return number
    }

    private static func multiPrompt(_ value: JSONValue, duration: Int?) -> [Problem] {
        guard case .array(let items) = value else {
            return [Problem(location: ["multi_prompt"], message: "value is not a valid list", type: "type_error.list")]
        }
        guard items.count <= 20 else {
            return [Problem(location: ["multi_prompt"], message: "ensure this value has at most 20 items", type: "value_error.list.max_items")]
        }
        var problems: [Problem] = []
        var sum = 0
        var sumKnown = true
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item else {
                problems.append(Problem(location: ["multi_prompt", String(index)], message: "value is not a valid dict", type: "type_error.dict"))
                sumKnown = false
                continue
            }
            for (key, _) in members where key != "prompt" && key != "duration" {
                problems.append(Problem(location: ["multi_prompt", String(index), key], message: "extra fields not permitted", type: "value_error.extra"))
            }
            if case .string(let text)? = item["prompt"], !text.isEmpty {} else {
                problems.append(Problem(location: ["multi_prompt", String(index), "prompt"], message: "must be a non-empty string", type: "type_error.str"))
            }
            if let seconds = integer(item["duration"], "multi_prompt", String(index), "duration", default: 5, into: &problems) {
                sum += seconds
            } else {
                sumKnown = false
            }
        }
        if !items.isEmpty, sumKnown, let duration, sum != duration {
            problems.append(Problem(location: ["multi_prompt"], message: "the sum of durations in multi_prompt (\(sum)) must equal the total video duration (\(duration))", type: "value_error"))
        }
        return problems
    }
}
