import APISimulator
import JSON
import Testing

/// The simulator's catalogue: `GET /v1/models` in pages, and each model's record with its price.
@Suite("Simulator: the catalogue and model info")
struct SimulatorCatalogTests {
    static let seed = "kling/kling-video-o3/pro/image-to-video"

    /// `count` made-up models, alternating per-second video with and without a price, per-output images with and
    /// without one.
    static func catalogue(_ count: Int) -> [JSONValue] {
        (0..<count).map { index in
            let image = index % 2 == 1
            let priced = index % 4 < 2
            var members: [(key: String, value: JSONValue)] = [
                ("model_id", .string(image ? "acme/still-\(index)/text-to-image" : "acme/motion-\(index)/image-to-video")),
                ("kind", .string("model")),
                ("price_unit", .string(image ? "output" : "second")),
            ]
            if priced { members.append(("base_price_usd", .number(image ? 0.04 : 0.07))) }
            members.append(("categories", .array([.string(image ? "text-to-image" : "image-to-video")])))
            members.append(("input_schema", .object([
                ("type", .string("object")),
                ("properties", .object([("prompt", .object([("type", .string("string"))]))])),
                ("required", .array([.string("prompt")])),
            ])))
            return .object(members)
        }
    }

    /// Follows `next_cursor` while `has_more`, as a client must, and stops at a cursor seen before: the ids in
    /// order, the pages, and whether it stopped at a loop.
    private func pageThrough(_ session: SimulatorSession, query: String = "include_schema=true") async throws -> (ids: [String], pages: [JSONValue], looped: Bool) {
        var ids: [String] = []
        var pages: [JSONValue] = []
        var seen: Set<String> = []
        var path = "/v1/models?" + query
        while true {
            let answer = try await session.get(path)
            try #require(answer.status == 200, "\(answer.json.compact)")
            let page = answer.json
            pages.append(page)
            ids += (page["models"]?.elements ?? []).compactMap { $0["model_id"]?.string }
            guard page["has_more"] == .bool(true) else { return (ids, pages, false) }
            let cursor = try #require(page["next_cursor"]?.string)
            guard seen.insert(cursor).inserted else { return (ids, pages, true) }
            path = "/v1/models?\(query)&cursor=\(cursor)"
        }
    }

    @Test("every page of a catalogue larger than a page, in order, with its schemas; the last page has no cursor")
    func paging() async throws {
        let entries = Self.catalogue(7)
        try await SimulatorSession.run({ $0.catalog = entries; $0.pageSize = 3 }) { session in
            let (ids, pages, looped) = try await pageThrough(session)
            #expect(!looped)
            #expect(ids == entries.compactMap { $0["model_id"]?.string })
            #expect(pages.map { $0["models"]?.elements?.count } == [3, 3, 1])
            #expect(pages.map { $0["has_more"] } == [.bool(true), .bool(true), .bool(false)])
            #expect(pages.last?["next_cursor"] == .null)
            #expect(pages.allSatisfy { $0["models"]?.elements?.allSatisfy { $0["input_schema"]?["properties"] != nil } == true })
            let calls = await session.stats()["calls"]?["models"]
            #expect(calls == .int(3))
        }
    }

    @Test("without include_schema=true the entries come without input_schema; the rest as given")
    func withoutSchema() async throws {
        let entries = Self.catalogue(2)
        try await SimulatorSession.run({ $0.catalog = entries }) { session in
            let models = try #require(try await session.get("/v1/models").json["models"]?.elements)
            #expect(models.count == 2 && models.allSatisfy { $0["input_schema"] == nil && $0["categories"] != nil })
            #expect(models[0]["base_price_usd"] == .number(0.07) && models[0]["price_unit"] == .string("second"))
        }
    }

    @Test("the list needs a token; a cursor it never gave out is 400")
    func refusals() async throws {
        try await SimulatorSession.run({ $0.catalog = Self.catalogue(5); $0.pageSize = 2 }) { session in
            #expect(try await session.get("/v1/models?include_schema=true", token: nil).json["error_code"] == .int(401001))
            let forged = try await session.get("/v1/models?include_schema=true&cursor=c_0000000000000000")
            #expect(forged.status == 400 && forged.json["error_code"] == .int(400001))
            let next = try #require(try await session.get("/v1/models").json["next_cursor"]?.string)
            #expect(try await session.get("/v1/models?cursor=\(next)").json["models"]?.elements?.count == 2)
        }
    }

    @Test("the page-loop fault points the last page back at the first, and a client that follows cursors sees the loop")
    func pageLoop() async throws {
        try await SimulatorSession.run({ $0.catalog = Self.catalogue(5); $0.pageSize = 2; $0.faults.pageLoop = 1 }) { session in
            let (ids, _, looped) = try await pageThrough(session)
            #expect(looped)
            #expect(ids.count > 5, "the first page came again before the loop was refused")
        }
    }

    @Test("by default it serves the shipped snapshot, the seed among it")
    func snapshot() async throws {
        try await SimulatorSession.run({ _ in }) { session in
            let (ids, pages, _) = try await pageThrough(session)
            #expect(ids.count == SimulatorCatalog.snapshot.count && ids.count > 20)
            #expect(pages.count == 1 && ids.contains(Self.seed))
            #expect(ids.contains("google/nano-banana-2-lite/edit"))
        }
    }

    @Test("model info for every model: the entry's price, else the simulated one; the seed keeps --price; others 404")
    func modelInfo() async throws {
        var entries = Self.catalogue(4)
        entries.append(.object([("model_id", .string(Self.seed)), ("price_unit", .string("second")), ("base_price_usd", .number(9))]))
        try await SimulatorSession.run({ $0.catalog = entries; $0.pricePerSecond = 0.2 }) { session in
            func info(_ id: String) async throws -> JSONValue { try await session.get("/v1/models/" + id).json }
            #expect(try await info("acme/motion-0/image-to-video").compact == #"{"model_id":"acme/motion-0/image-to-video","base_price_usd":0.07,"price_unit":"second"}"#)
            #expect(try await info("acme/still-1/text-to-image").compact == #"{"model_id":"acme/still-1/text-to-image","base_price_usd":0.04,"price_unit":"output"}"#)
            #expect(try await info("acme/motion-2/image-to-video")["base_price_usd"] == .number(0.2))
            #expect(try await info("acme/still-3/text-to-image")["base_price_usd"] == .number(0.03))
            #expect(try await info(Self.seed).compact == #"{"model_id":"\#(Self.seed)","kind":"video","base_price_usd":0.2,"price_unit":"second"}"#)
            let unknown = try await session.get("/v1/models/acme/nope/text-to-image")
            #expect(unknown.status == 404 && unknown.json["error_code"] == .int(400001))
            #expect(try await session.get("/v1/models/acme/motion-0/image-to-video", token: nil).status == 401)
        }
    }

    @Test("the model-info fault answers 500 for catalogue models too")
    func modelInfoFault() async throws {
        try await SimulatorSession.run({ $0.catalog = Self.catalogue(2); $0.faults.modelInfoError = 1 }) { session async throws in  // (its only `try`s are inside macros)
            #expect(try await session.get("/v1/models/acme/still-1/text-to-image").status == 500)
        }
    }

    @Test("a saved catalogue response: the entries under \"models\", or a bare array; anything else is refused")
    func readingResponses() throws {
        let entries = Self.catalogue(3)
        #expect(try SimulatorCatalog.entries(in: .object([("models", .array(entries)), ("has_more", .bool(false))])) == entries)
        #expect(try SimulatorCatalog.entries(in: .array(entries)) == entries)
        #expect(throws: SimulatorCatalog.Unreadable.self) { try SimulatorCatalog.entries(in: .object([("data", .array(entries))])) }
        #expect(throws: SimulatorCatalog.Unreadable.self) { try SimulatorCatalog.entries(in: .array([.object([("kind", .string("model"))])])) }
        #expect(throws: SimulatorCatalog.Unreadable.self) { try SimulatorCatalog.entries(inText: Array("{".utf8)) }
    }
}
