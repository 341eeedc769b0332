import JSON
import ModelCatalog
import Testing

@Suite("Reading the catalogue's schema dialect")
struct SchemaReadingTests {
    @Test("every keyword: float as number, enums of strings or numbers, ranges, lengths, items both ways, media, unknown keywords listed")
    func dialect() throws {
        let entry = try #require(CatalogEntry(try JSONValue.parse("""
            {"model_id": "made/up/image-to-video", "price_unit": "second", "base_price_usd": 0.2, "categories": [],
             "input_schema": {"type": "object", "x-ui": 1, "required": ["image"], "properties": {
               "image": {"type": "string", "format": "image_uri", "description": "d"},
               "refs": {"type": "array", "format": "image_uris", "minItems": 1, "maxItems": 4},
               "cfg": {"type": "float", "minimum": 0, "maximum": 1, "default": 0.5},
               "duration": {"type": "string", "enum": ["auto", "6", "8"], "default": "auto"},
               "fps": {"type": "integer", "enum": [24, 30]},
               "prompt": {"type": "string", "maxLength": 2500, "validations": ["x"]},
               "segments": {"type": "array", "items": {"prompt": {"type": "string"}, "duration": {"type": "integer", "minimum": 3}}},
               "shots": {"type": "array", "items": {"type": "object", "properties": {"t": {"type": "number"}}, "required": ["t"]}}
             }}}
            """)))
        #expect(entry.outputKind == .video)
        let schema = entry.schema
        #expect(schema.fields.map(\.name) == ["image", "refs", "cfg", "duration", "fps", "prompt", "segments", "shots"])
        #expect(schema.required == ["image"])
        #expect(schema.ignored == ["x-ui"])
        #expect(schema.field("image")?.media?.kind == .image && schema.field("image")?.media?.many == false)
        #expect(schema.field("image")?.ignored == ["description"])
        #expect(schema.field("refs")?.media?.many == true && schema.field("refs")?.maxItems == 4 && schema.field("refs")?.minItems == 1)
        #expect(schema.field("cfg")?.kind == .number && schema.field("cfg")?.maximum == 1 && schema.field("cfg")?.defaultValue == .number(0.5))
        #expect(schema.field("duration")?.choices == [.string("auto"), .string("6"), .string("8")])
        #expect(schema.field("fps")?.choices == [.int(24), .int(30)])
        #expect(schema.field("prompt")?.maxLength == 2500 && schema.field("prompt")?.ignored == ["validations"])
        guard case .object(let fields, _)? = schema.field("segments")?.items else { Issue.record("segments' items"); return }
        #expect(fields.map(\.name) == ["prompt", "duration"])
        guard case .object(let shotFields, let required)? = schema.field("shots")?.items else { Issue.record("shots' items"); return }
        #expect(shotFields.map(\.name) == ["t"] && required == ["t"])
    }

    @Test("output kind from categories, else the id's last segment")
    func outputKinds() throws {
        func kind(_ id: String, _ categories: [String] = []) throws -> CatalogEntry.OutputKind {
            try #require(CatalogEntry(.object([("model_id", .string(id)), ("categories", .array(categories.map(JSONValue.string)))]))).outputKind
        }
        #expect(try kind("a/b/text-to-image") == .image)
        #expect(try kind("google/nano-banana/edit") == .image)
        #expect(try kind("x/y/text-to-video") == .video)
        #expect(try kind("x/y", ["text-to-speech"]) == .audio)
        #expect(try kind("x/y/upscale") == .unknown)
    }

    @Test("the shipped snapshot: the seed and at least twelve more, each with its source and date, image and video models")
    func snapshot() throws {
        let snapshot = Catalog.snapshot
        #expect(snapshot.entries.count >= 13)
        let seed = try #require(snapshot.entry("kling/kling-video-o3/pro/image-to-video"))
        #expect(seed.schema.field("duration")?.minimum == 3 && seed.schema.field("duration")?.maximum == 15)
        #expect(snapshot.entries.allSatisfy { $0.sourceURL != nil && $0.sourceDate != nil })
        #expect(snapshot.entries.contains { $0.outputKind == .image })
        #expect(snapshot.entries.filter { $0.outputKind == .video }.count >= 8)
    }

    @Test("a saved response: entries under models (or data), or a bare array; anything else is refused")
    func savedResponses() throws {
        let entry = #"{"model_id": "a/b/text-to-image", "price_unit": "output"}"#
        #expect(try Catalog(json: try JSONValue.parse(#"{"models": [\#(entry)], "has_more": false}"#), source: "f").entries.count == 1)
        #expect(try Catalog(json: try JSONValue.parse(#"{"data": [\#(entry)]}"#), source: "f").entries.count == 1)
        #expect(try Catalog(json: try JSONValue.parse("[\(entry), \(entry)]"), source: "f").entries.count == 2)
        #expect(throws: Catalog.Unreadable.self) { try Catalog(json: try JSONValue.parse(#"{"nothing": 1}"#), source: "f") }
    }
}
