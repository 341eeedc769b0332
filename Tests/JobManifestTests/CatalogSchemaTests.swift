import JSON
import JobManifest
import ModelCatalog
import Testing

@Suite("A catalogue entry as a model schema")
struct CatalogSchemaTests {
    static func schema(_ text: String) throws -> ModelSchema {
        ModelSchema(entry: try #require(CatalogEntry(try JSONValue.parse(text))))
    }

    @Test("kinds from the dialect; defaults of media and empty strings, and defaults the field refuses, not written")
    func kinds() throws {
        let schema = try Self.schema("""
            {"model_id": "acme/x/image-to-video", "price_unit": "second", "base_price_usd": 0.07, "input_schema": {"required": ["image"], "properties": {
              "image": {"type": "string", "format": "image_uri", "default": "https://example.com/demo.png"},
              "clips": {"type": "array", "format": "video_uris", "minItems": 1, "maxItems": 3},
              "voice": {"type": "string", "format": "audio_uri"},
              "negative_prompt": {"type": "string", "default": ""},
              "cfg": {"type": "float", "minimum": 0, "maximum": 1, "default": 0.5},
              "steps": {"type": "integer", "minimum": 1, "default": 200000},
              "fps": {"type": "integer", "enum": [24, 30], "default": 25},
              "mode": {"type": "string", "enum": ["a", "b"], "default": "b"},
              "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
              "keyframes": {"type": "array", "items": {"type": "object", "properties": {"t": {"type": "number"}, "image": {"type": "string", "format": "image_uri"}}, "required": ["t"]}},
              "extra": {"type": "object"},
              "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1}
            }}}
            """)
        #expect(schema.outputKind == .video)
        #expect(schema.fields.map(\.name) == ["image", "clips", "voice", "negative_prompt", "cfg", "steps", "fps", "mode", "tags", "keyframes", "extra", "num_images"])
        #expect(schema.field("image")?.mediaKind == .image && schema.field("image")?.required == true && schema.field("image")?.defaultValue == nil)
        guard case .list(.media(.video), 1?, 3?)? = schema.field("clips")?.kind else { Issue.record("clips: \(String(describing: schema.field("clips")?.kind))"); return }
        #expect(schema.field("voice")?.mediaKind == .audio)
        #expect(schema.field("negative_prompt")?.defaultValue == nil)
        #expect(schema.field("cfg")?.defaultValue == .number(0.5))
        #expect(schema.field("steps")?.defaultValue == .integer(200000))
        #expect(schema.field("fps")?.defaultValue == nil, "25 is not among the enum's values")
        #expect(schema.field("mode")?.defaultValue == .string("b"))
        guard case .list(.string, nil, 5?)? = schema.field("tags")?.kind else { Issue.record("tags"); return }
        guard case .objects(let items, nil, nil)? = schema.field("keyframes")?.kind else { Issue.record("keyframes"); return }
        #expect(items.map(\.name) == ["t", "image"] && items[0].required && !items[1].required)
        guard case .any? = schema.field("extra")?.kind else { Issue.record("extra"); return }
        #expect(schema.rules.durationField == nil && schema.rules.outputsField == "num_images")
        #expect(schema.publishedPrice == ModelPrice(basePriceUSD: 0.07, unit: .second, source: .snapshot))
        #expect(!schema.isBuiltIn)
    }

    @Test("the per-model table: Kling 3.0's audio factor, Veo's fixed length")
    func rules() throws {
        let kling = try Self.schema(#"{"model_id": "kling/kling-3.0/standard/image-to-video", "price_unit": "second", "base_price_usd": 0.084, "input_schema": {"properties": {"duration": {"type": "integer", "minimum": 3, "maximum": 15}, "generate_audio": {"type": "boolean", "default": true}}}}"#)
        #expect(kling.rules.soundField == "generate_audio" && kling.rules.soundFactor == 1.5 && kling.rules.durationField == "duration")
        #expect(kling.publishedPrice?.factor == 1.5)
        let veo = try Self.schema(#"{"model_id": "google-deepmind/veo-3-1/fast/text-to-video", "input_schema": {"properties": {"prompt": {"type": "string"}}}}"#)
        #expect(veo.rules.durationField == nil && veo.rules.fixedSeconds == 8)
        #expect(veo.outputKind == .video && veo.publishedPrice?.source == .unknown)
    }

    @Test("the seed keeps its built-in table whatever a catalogue says of it")
    func seedStaysBuiltIn() throws {
        let catalog = try Catalog(json: JSONValue.parse(#"[{"model_id": "kling/kling-video-o3/pro/image-to-video", "input_schema": {"properties": {"prompt": {"type": "string", "default": "example text"}}}}]"#), source: "c.json")
        let schema = try #require(ModelRegistry(catalog: catalog).schema("kling/kling-video-o3/pro/image-to-video"))
        #expect(schema === ModelSchema.klingO3ProImageToVideo)
        #expect(ModelRegistry(catalog: catalog).knownIDs == ["kling/kling-video-o3/pro/image-to-video"])
    }
}
