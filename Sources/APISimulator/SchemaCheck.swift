import JSON

/// Checks a submit's body against a catalogue model's `input_schema` (read by `SchemaRule`), as strictly as the
/// service would: unknown fields refused, `required`, `type`, `enum`, ranges, lengths, item counts, item schemas,
/// and media values of the right kind. Problems come in the shape of a validation error's `detail` entries.
enum SchemaCheck {
    typealias Problem = InputValidator.Problem

    /// Every problem with the body; empty when it is valid.
    static func problems(in body: JSONValue, schema: ObjectRule) -> [Problem] {
        guard body.members != nil else {
            return [Problem(location: [], message: "the body must be a JSON object", type: "type_error.dict")]
        }
        var seen = Set<[String]>()
        // One problem per place and kind (an `image_uris` field whose items say `image_uri` is checked twice).
        return object(body, schema, at: []).filter { seen.insert($0.location + [$0.type]).inserted }
    }

    private static func object(_ value: JSONValue, _ rule: ObjectRule, at location: [String]) -> [Problem] {
        guard let members = value.members else {
            return [Problem(location: location, message: "value is not a valid dict", type: "type_error.dict")]
        }
        var problems: [Problem] = []
        for (key, _) in members where rule.rule(key) == nil {
            problems.append(Problem(location: location + [key], message: "extra fields not permitted", type: "value_error.extra"))
        }
        for name in rule.required where value[name] == nil {
            problems.append(Problem(location: location + [name], message: "field required", type: "value_error.missing"))
        }
        for (name, field) in rule.fields {
            if let member = value[name] { problems += self.value(member, field, at: location + [name]) }
        }
        return problems
    }

    private static func value(_ value: JSONValue, _ rule: SchemaRule, at location: [String]) -> [Problem] {
        if let type = rule.type, let problem = mismatch(value, type, at: location) { return [problem] }
        var problems: [Problem] = []
        if let choices = rule.choices, !choices.contains(where: { same($0, value) }) {
            let permitted = choices.map { $0.string.map { "'\($0)'" } ?? $0.compact }.joined(separator: ", ")
            problems.append(Problem(location: location, message: "value is not a valid enumeration member; permitted: \(permitted)", type: "type_error.enum"))
        }
        if let number = value.double {
            if let minimum = rule.minimum, number < minimum {
                problems.append(Problem(location: location, message: "ensure this value is greater than or equal to \(JSONValue.format(minimum))", type: "value_error.number.not_ge"))
            }
            if let maximum = rule.maximum, number > maximum {
                problems.append(Problem(location: location, message: "ensure this value is less than or equal to \(JSONValue.format(maximum))", type: "value_error.number.not_le"))
            }
        }
        if let text = value.string {
            problems += length(text.unicodeScalars.count, rule.minLength, rule.maxLength, "characters", "any_str", at: location)
            if let media = rule.media, !media.many, !media.accepts(text) {
                problems.append(Problem(location: location, message: media.refusal, type: "value_error.url"))
            }
        }
        if let elements = value.elements {
            problems += length(elements.count, rule.minItems, rule.maxItems, "items", "list", at: location)
            for (index, element) in elements.enumerated() {
                let place = location + [String(index)]
                if let media = rule.media, media.many {
                    if let text = element.string {
                        if !media.accepts(text) { problems.append(Problem(location: place, message: media.refusal, type: "value_error.url")) }
                    } else {
                        problems.append(Problem(location: place, message: "str type expected", type: "type_error.str"))
                    }
                }
                switch rule.items {
                case .value(let item)?: problems += self.value(element, item, at: place)
                case .object(let fields)?: problems += object(element, fields, at: place)
                case nil: break
                }
            }
        }
        if let fields = rule.fields, value.members != nil {
            problems += object(value, fields, at: location)
        }
        return problems
    }

    /// The problem when `value` is not of `type`: integers are written without a fraction (`5.0` is not one),
    /// any number is a `number`, and nothing else converts.
    private static func mismatch(_ value: JSONValue, _ type: SchemaRule.ValueType, at location: [String]) -> Problem? {
        let (fits, message, kind): (Bool, String, String) = switch type {
        case .string: (value.string != nil, "str type expected", "type_error.str")
        case .integer: (value.int != nil, "value is not a valid integer", "type_error.integer")
        case .number: (value.double != nil, "value is not a valid float", "type_error.float")
        case .boolean: (value.bool != nil, "value could not be parsed to a boolean", "type_error.bool")
        case .array: (value.elements != nil, "value is not a valid list", "type_error.list")
        case .object: (value.members != nil, "value is not a valid dict", "type_error.dict")
        }
        return fits ? nil : Problem(location: location, message: message, type: kind)
    }

    private static func length(_ count: Int, _ minimum: Int?, _ maximum: Int?, _ unit: String, _ kind: String, at location: [String]) -> [Problem] {
        if let minimum, count < minimum {
            return [Problem(location: location, message: "ensure this value has at least \(minimum) \(unit)", type: "value_error.\(kind).min_\(unit == "items" ? "items" : "length")")]
        }
        if let maximum, count > maximum {
            return [Problem(location: location, message: "ensure this value has at most \(maximum) \(unit)", type: "value_error.\(kind).max_\(unit == "items" ? "items" : "length")")]
        }
        return []
    }

    /// Enum membership: numbers by value (`5` is `5.0`), everything else exactly.
    private static func same(_ choice: JSONValue, _ value: JSONValue) -> Bool {
        if let a = choice.double, let b = value.double { return a == b }
        return choice == value
    }
}
