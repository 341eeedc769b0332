import Foundation
import JSON
import JobManifest
import ModelCatalog
import Testing
import YAML

/// RunComfy's real published schemas (`Tests/Fixtures/partner-catalog.json`, 121 models; its sources and date in
/// `partner-catalog.SOURCES.md`) read as the catalogue says them: required fields with defaults, sound prices in the
/// models' own words, `max_images`, output kinds without categories, schemas missing, type names in any case.
@Suite("The real catalogue, taken at its word")
struct PartnerCatalogTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/partner-catalog.json").path

    static let json: JSONValue = {
        let bytes = FileManager.default.contents(atPath: path).map { Array($0) } ?? []
        return (try? JSONValue.parse(bytes)) ?? .null
    }()

    static let catalog: Catalog = (try? Catalog(json: json, source: "partner-catalog.json")) ?? Catalog(entries: [], source: "", fetchedAt: nil)
    static let registry = ModelRegistry(catalog: catalog)

    private func read(_ text: String, registry: ModelRegistry = Self.registry) throws(ManifestError) -> Manifest {
        try ManifestReader(models: registry).read(.text(text, name: "m.yaml"), name: "m.yaml", folder: "/tmp")
    }

    private func errors(_ text: String, registry: ModelRegistry = Self.registry) -> [String] {
        do {
            _ = try read(text, registry: registry)
            return []
        } catch {
            return error.diagnostics.map(\.message)
        }
    }

    private func schema(_ id: String) throws -> ModelSchema {
        try #require(Self.registry.schema(id), "\(id) is in the fixture")
    }

    @Test("the fixture is the real catalogue: 121 models, 90 video, 25 image, 6 audio, every one with a schema")
    func fixture() {
        #expect(Self.catalog.entries.count == 121)
        #expect(Self.catalog.entries.filter { $0.outputKind == .video }.count == 90)
        #expect(Self.catalog.entries.filter { $0.outputKind == .image }.count == 25)
        #expect(Self.catalog.entries.filter { $0.outputKind == .audio }.count == 6)
        #expect(Self.catalog.warnings.isEmpty)
    }

    @Test("a required field with a default is satisfied by it; an empty-string default leaves it required")
    func requiredWithDefault() throws {
        let manifest = try read("""
            version: 1
            shots:
              - {id: a, model: minimax/minimax-h3/image-to-video, image: "https://example.com/a.png", prompt: Dawn.}
              - {id: b, model: minimax/minimax-h3-max/text-to-video, prompt: Dusk.}
            """)
        let a = manifest.jobs[0].body
        #expect(a["duration"] == .integer(5) && a["resolution"] == .string("768p"))
        #expect(manifest.jobs[1].body["prompt_expansion_mode"] == .string("balanced"))
        let missing = errors("""
            version: 1
            shots:
              - {id: a, model: minimax/minimax-h3/image-to-video, image: "https://example.com/a.png"}
            """)
        #expect(missing == ["shot 'a' is missing required 'prompt'"])
    }

    @Test("sound's price in each Kling O3 model's own words: unchanged, about 33%, ~20%, 25%", arguments: [
        ("kling/kling-video-o3/4K/image-to-video", 1.0),
        ("kling/kling-video-o3/standard/image-to-video", 1.33),
        ("kling/kling-video-o3/standard/reference-to-video", 1.33),
        ("kling/kling-video-o3/pro/reference-to-video", 1.2),
        ("kling/kling-video-o3/pro/text-to-video", 1.25),
    ])
    func soundInWords(model: String, factor: Double) throws {
        let rules = try schema(model).rules
        #expect(rules.soundField == "sound")
        #expect(rules.soundFactorSource == .words)
        #expect(rules.soundFactor == factor)
        #expect(rules.capSoundFactor == factor)
    }

    @Test("a sound field nothing prices: the estimate leaves sound out, a cap counts the largest published factor")
    func soundUnpriced() throws {
        let seedance = try schema("bytedance/seedance-2.5/image-to-video/1080p")
        #expect(seedance.soundField == "generate_audio" && seedance.rules.soundFactorSource == .unknown)
        var prices = PriceList.estimate
        prices.models[seedance.modelID] = ModelPrice(basePriceUSD: 0.1, unit: .second, rules: seedance.rules, source: .api)
        let manifest = try read("""
            version: 1
            shots:
              - {id: a, model: bytedance/seedance-2.5/image-to-video/1080p, image: "https://example.com/a.png", prompt: Dawn., duration: 10}
            """)
        let body = manifest.jobs[0].body
        #expect(body.sound)
        #expect(abs((prices.estimate(of: body) ?? 0) - 1.0) < 1e-9)
        #expect(abs(prices.cost(of: body) - 1.0 * ModelRules.largestPublishedSoundFactor) < 1e-9)
        #expect(ModelRules.largestPublishedSoundFactor > 1)
    }

    @Test("the words: unchanged, Adds N%, about N%, ~N%, +N%; anything else says nothing", arguments: [
        ("Pricing is unchanged.", 1.0 as Double?), ("Adds 25% to the per-second cost.", 1.25), ("Adds about 33%.", 1.33),
        ("roughly ~20% more", 1.2), ("+50% with audio", 1.5), ("Sound adds 12.5%", 1.125),
        ("Audio at 48 kHz, 100% synthetic", nil), ("When enabled, synthesize audio.", nil), ("Reduces the price by 20%.", nil),
    ])
    func words(text: String, factor: Double?) {
        #expect(SoundPriceWords.factor(in: text) == factor)
    }

    @Test("a price's note counts only where it speaks of sound or audio")
    func noteAboutSound() {
        #expect(SoundPriceWords.factor(inPricingNote: "4K adds 20%. Audio adds ~25%.") == 1.25)
        #expect(SoundPriceWords.factor(inPricingNote: "4K adds 20% to the per-second price.") == nil)
        #expect(SoundPriceWords.factor(inPricingNote: "Pricing is unchanged for 1080p.") == nil)
        #expect(SoundPriceWords.factor(inPricingNote: "Sound: pricing is unchanged") == 1)
    }

    @Test("a price's pricing_note gives the factor where the field's description is silent")
    func pricingNote() throws {
        let entry = try #require(CatalogEntry(try JSONValue.parse("""
            {"model_id": "acme/clip/image-to-video", "price_unit": "second", "base_price_usd": 0.1, "pricing_note": "Audio adds ~40%.",
             "input_schema": {"type": "object", "properties": {"generate_audio": {"type": "boolean", "default": true}}}}
            """)))
        let schema = ModelSchema(entry: entry)
        #expect(schema.rules.soundFactor == 1.4 && schema.rules.soundFactorSource == .words)
        #expect(schema.publishedPrice?.factor == 1.4)
    }

    @Test("max_images counts outputs as an upper bound")
    func maxImages() throws {
        let wan = try schema("wan-ai/wan-2.7/text-to-image")
        let manifest = try read("""
            version: 1
            shots:
              - {id: a, model: wan-ai/wan-2.7/text-to-image, prompt: A lamp., max_images: 4}
            """)
        let body = manifest.jobs[0].body
        #expect(body.outputs == 4 && body.outputsIsBound)
        let estimate = ModelPrice(basePriceUSD: 0.03, unit: .output, rules: wan.rules, source: .api).cost(of: body)
        #expect(estimate == ModelPrice.Estimate(usd: 0.12, isBound: true))
    }

    @Test("without categories, kinds come from every segment and an edit model's main input: at most 3 unknown")
    func kindsWithoutCategories() throws {
        guard case .object(var members) = Self.json, let at = members.firstIndex(where: { $0.key == "models" }),
            case .array(let models) = members[at].value
        else { Issue.record("the fixture's models"); return }
        members[at].value = .array(models.map { model in
            guard case .object(let fields) = model else { return model }
            return .object(fields.filter { $0.key != "categories" })
        })
        let bare = try Catalog(json: .object(members), source: "bare.json")
        let unknown = bare.entries.filter { $0.outputKind == .unknown }.map(\.modelID)
        #expect(unknown.count <= 3, "\(unknown)")
        for entry in bare.entries where entry.outputKind != .unknown {
            #expect(entry.outputKind == Self.catalog.entry(entry.modelID)?.outputKind, "\(entry.modelID)")
        }
        for id in ["google/gemini-omni-flash/video-edit", "happyhorse/happyhorse-1.0/video-edit", "wan-ai/wan-2.7/edit-video",
                   "bytedance/seedance-2.5/image-to-video/1080p", "lightricks/ltx-2.5/image-to-video/fast", "blackforestlabs/flux-3/text-to-video/draft"] {
            #expect(bare.entry(id)?.outputKind == .video, "\(id)")
        }
        #expect(bare.entry("google/nano-banana-2-lite/edit")?.outputKind == .image)
    }

    @Test("a video edit model's output feeds a video field, not an image list")
    func videoEditFeedsVideo() throws {
        let bare = try Catalog(json: JSONValue.parse("""
            [{"model_id": "google/gemini-omni-flash/video-edit", "input_schema": {"type": "object", "required": ["prompt", "video_url"],
               "properties": {"prompt": {"type": "string"}, "video_url": {"type": "string", "format": "video_uri"}}}},
             {"model_id": "acme/still/edit", "input_schema": {"type": "object", "required": ["prompt", "image_urls"],
               "properties": {"prompt": {"type": "string"}, "image_urls": {"type": "array", "format": "image_uris"}}}}]
            """), source: "bare.json")
        let registry = ModelRegistry(catalog: bare)
        #expect(registry.schema("google/gemini-omni-flash/video-edit")?.outputKind == .video)
        #expect(registry.schema("acme/still/edit")?.outputKind == .image)
        let manifest = try read("""
            version: 1
            shots:
              - {id: snow, model: google/gemini-omni-flash/video-edit, prompt: Add snow., video_url: "https://example.com/a.mp4"}
              - {id: again, model: google/gemini-omni-flash/video-edit, prompt: More snow., video_url: {from: snow}}
            """, registry: registry)
        #expect(manifest.jobs.count == 2)
    }

    @Test("a catalogue without schemas: a warning at load, and a shot of such a model refused with what to do")
    func withoutSchemas() throws {
        let catalog = try Catalog(json: JSONValue.parse("""
            {"models": [{"model_id": "acme/clip/image-to-video"}, {"model_id": "acme/clip/image-to-video"},
                        {"model_id": "acme/other/text-to-video"}], "has_more": true}
            """), source: "page.json")
        #expect(catalog.warnings.count == 3)
        #expect(catalog.warnings[0].contains("has no input schemas") && catalog.warnings[0].contains("include_schema=true") && catalog.warnings[0].contains("models refresh"))
        #expect(catalog.warnings[1].contains("acme/clip/image-to-video") && catalog.warnings[1].contains("more than once"))
        #expect(catalog.warnings[2].contains("has_more"))
        let messages = errors("""
            version: 1
            shots:
              - {id: a, model: acme/clip/image-to-video, prompt: Dawn.}
            """, registry: ModelRegistry(catalog: catalog))
        #expect(messages.count == 1)
        #expect(messages.first?.contains("has no input schema") == true && messages.first?.contains("models refresh") == true)
    }

    @Test("type names in any case: FLOAT is a number, Integer an integer")
    func typeCase() throws {
        let entry = try #require(CatalogEntry(try JSONValue.parse("""
            {"model_id": "acme/x/text-to-image", "input_schema": {"type": "object", "properties": {
              "cfg": {"type": "FLOAT", "maximum": 2}, "steps": {"type": "Integer", "minimum": 1}, "hd": {"type": "Boolean"}}}}
            """)))
        #expect(entry.schema.field("cfg")?.kind == .number)
        #expect(entry.schema.field("steps")?.kind == .integer)
        #expect(entry.schema.field("hd")?.kind == .boolean)
        let registry = ModelRegistry(catalog: Catalog(entries: [entry], source: "x.json", fetchedAt: nil))
        let messages = errors("""
            version: 1
            shots:
              - {id: a, model: acme/x/text-to-image, cfg: 3, steps: 0}
            """, registry: registry)
        #expect(messages.count == 2, "\(messages)")
    }

    @Test("one shot per model, writing only the required fields without a default, validates for all 121")
    func everyModelValidates() throws {
        var lines = ["version: 1", "shots:"]
        for (index, entry) in Self.catalog.entries.enumerated() {
            lines.append("  - id: s\(index)")
            lines.append("    model: \(entry.modelID)")
            for name in entry.schema.required {
                guard let field = entry.schema.field(name) else { continue }
                let defaulted = field.defaultValue.map { $0 != .string("") } ?? false
                if defaulted, field.media == nil { continue }
                lines.append("    \(name): " + Self.example(field))
            }
        }
        let manifest = try read(lines.joined(separator: "\n"))
        #expect(manifest.jobs.count == 121)
    }

    /// A value a field takes: a URL of its medium, its first choice, its lower bound, or a sentence.
    static func example(_ field: FieldSchema) -> String {
        if let media = field.media {
            let url = "https://example.com/a." + (media.kind == .image ? "png" : media.kind == .video ? "mp4" : "wav")
            return media.many ? "[\(url)]" : url
        }
        if let first = field.choices?.first { return first.compact }
        switch field.kind {
        case .integer, .number: return JSONValue.format(field.minimum ?? 1)
        case .boolean: return "true"
        default: return "\"A quiet street at dawn.\""
        }
    }

    @Test("a misspelt field's did-you-mean names the model's own field, and is the one error (no 'missing required' first)")
    func didYouMeanModelFields() {
        let messages = errors("""
            version: 1
            shots:
              - {id: a, model: blackforestlabs/flux-3/first-last-frame-to-video, prompt: Go., start_image: "https://example.com/a.png",
                 end_image_url: "https://example.com/b.png", generate_sound: true}
            """)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.contains { $0.contains("unknown key 'start_image'") && $0.hasSuffix("did you mean 'start_image_url'?") }, "\(messages)")
        #expect(messages.contains { $0.contains("unknown key 'generate_sound'") && $0.hasSuffix("did you mean 'generate_audio'?") }, "\(messages)")
        #expect(!messages.contains { $0.contains("missing required") })
        #expect(DidYouMean.suggest("image", among: ["image_url", "image_urls"]) == nil, "two fit: neither is suggested")
        #expect(DidYouMean.suggest("picture_url", among: ["image_url", "prompt"]) == "image_url")
    }

    @Test("item counts read as English: at least 1 item is needed")
    func oneItemNeeded() {
        let messages = errors("""
            version: 1
            shots:
              - {id: a, model: google/nano-banana-2-lite/edit, prompt: A lamp., image_urls: []}
            """)
        #expect(messages == ["image_urls has 0 items; at least 1 item is needed"], "\(messages)")
    }

    @Test("an enum of numbers quotes what was written as a string, not a plain number")
    func enumNumbers() {
        let messages = errors("""
            version: 1
            shots:
              - {id: a, model: minimax/minimax-h3/image-to-video, image: "https://example.com/a.png", prompt: Dawn., resolution: 48}
            """)
        #expect(messages == ["resolution must be one of 768p, 2k, found 48"], "\(messages)")
    }

    @Test("a misspelt required field of a list's item is one error too")
    func misspeltInsideItems() {
        let messages = errors("""
            version: 1
            shots:
              - id: a
                image: "https://example.com/a.png"
                prompt: Dawn.
                multi_prompt:
                  - {promt: One., duration: 4}
            """)
        #expect(messages.count == 1, "\(messages)")
        #expect(messages.first?.contains("unknown key 'promt'") == true && messages.first?.hasSuffix("did you mean 'prompt'?") == true, "\(messages)")
    }
}
