import JSON

/// The catalogue's endpoints: the list, in pages, and each model's record with its price.
extension SimulatorState {
    /// `GET /v1/models[?include_schema=true][&cursor=C]`.
    func models(cursor: String?, includeSchema: Bool) -> SimulatedReply {
        let loop = random.chance(options.faults.pageLoop)
        guard let page = catalog.page(cursor: cursor.flatMap { $0.isEmpty ? nil : $0 }, includeSchema: includeSchema, loop: loop) else {
            return .error(400, code: 400001, "invalid cursor '\(cursor ?? "")'")
        }
        return .json(200, page)
    }

    /// `GET /v1/models/{model_id}`: `{model_id, base_price_usd, price_unit}`; the seed's as it always was.
    func modelInfo(_ modelID: String) -> SimulatedReply {
        let fields: [(key: String, value: JSONValue)]
        if modelID == Self.modelID {
            fields = [
                ("model_id", .string(modelID)),
                ("kind", .string("video")),
                ("base_price_usd", .number(options.pricePerSecond)),
                ("price_unit", .string("second")),
            ]
        } else if let model = catalog.model(modelID) {
            fields = [("model_id", .string(modelID)), ("base_price_usd", .number(model.price)), ("price_unit", .string(model.priceUnit))]
        } else {
            return .error(404, code: 400001, "no model '\(modelID)'")
        }
        if random.chance(options.faults.modelInfoError) { return .error(500, code: 500001, "internal error") }
        var reply = SimulatedReply.json(200, .object(fields))
        if options.faults.modelInfoDelay > 0 { reply.delivery = .after(options.faults.modelInfoDelay) }
        return reply
    }
}
