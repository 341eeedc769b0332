import JSON

/// One catalogue model as the simulator serves it: its entry, its output kind, its price, its schema.
struct ServedModel: Sendable {
    /// The price of a per-output model whose entry has none.
    static let pricePerOutput = 0.03
    /// The fields that say how many outputs a body asks for, in the order looked at.
    static let countFields = ["num_images", "num_outputs", "n", "max_images"]
    /// The most outputs one request may ask for (the simulator's own limit).
    static let maxOutputs = 16
    /// The seconds of a per-second model whose schema has no `duration`.
    static let fixedSeconds = 5.0

    let id: String
    /// The entry as the catalogue gave it.
    let entry: JSONValue
    let kind: OutputKind
    /// `second` or `output`.
    let priceUnit: String
    let price: Double
    let schema: ObjectRule

    /// Reads a catalogue entry; nil without a `model_id`. A missing price is the simulated one (`pricePerSecond`,
    /// or `pricePerOutput`); a missing unit is `output` for images and `second` otherwise.
    init?(entry: JSONValue, pricePerSecond: Double) {
        guard let id = entry["model_id"]?.string, !id.isEmpty else { return nil }
        self.id = id
        self.entry = entry
        let schema = ObjectRule(entry["input_schema"] ?? .object([]))
        kind = OutputKind(categories: entry["categories"]?.elements?.compactMap(\.string) ?? [], modelID: id, schema: schema)
        if let unit = entry["price_unit"]?.string, unit == "second" || unit == "output" {
            priceUnit = unit
        } else {
            priceUnit = kind == .image ? "output" : "second"
        }
        price = entry["base_price_usd"]?.double ?? (priceUnit == "second" ? pricePerSecond : Self.pricePerOutput)
        self.schema = schema
    }

    /// How many outputs a (valid) body asks for: its integer count field when the schema has one, else that
    /// field's default, else 1.
    func outputCount(_ body: JSONValue) -> Int {
        guard let name = Self.countFields.first(where: { schema.rule($0) != nil }) else { return 1 }
        return body[name]?.int ?? schema.rule(name)?.defaultValue?.int ?? 1
    }

    /// A problem with the number of outputs, past what the schema checks: fewer than 1, or more than `maxOutputs`.
    func countProblem(_ body: JSONValue) -> InputValidator.Problem? {
        guard let name = Self.countFields.first(where: { schema.rule($0) != nil }) else { return nil }
        let count = outputCount(body)
        guard !(1...Self.maxOutputs).contains(count) else { return nil }
        return InputValidator.Problem(location: [name], message: "ensure this value is between 1 and \(Self.maxOutputs)", type: "value_error.number.range")
    }

    /// The clip's seconds: `duration` as an integer, a number or a numeric string; `"auto"` or absent, the largest
    /// the schema allows; `fixedSeconds` for a schema with no `duration`.
    func seconds(_ body: JSONValue) -> Double {
        guard let rule = schema.rule("duration") else { return Self.fixedSeconds }
        if let value = body["duration"], let seconds = value.double ?? value.string.flatMap(Double.init) { return seconds }
        return rule.largestAllowed ?? rule.defaultValue.flatMap { $0.double ?? $0.string.flatMap(Double.init) } ?? Self.fixedSeconds
    }

    /// What a request costs: price x seconds, or price x outputs.
    func cost(_ body: JSONValue) -> Double {
        priceUnit == "second" ? price * seconds(body) : price * Double(outputCount(body))
    }

    /// The entry as the list shows it: without `input_schema` unless asked for.
    func listed(includeSchema: Bool) -> JSONValue {
        guard !includeSchema, let members = entry.members else { return entry }
        return .object(members.filter { $0.key != "input_schema" })
    }
}
