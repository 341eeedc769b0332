import Foundation
import Testing

/// The real catalogue (`Tests/Fixtures/partner-catalog.json`, 121 published schemas) through the command line: every
/// model validates, plans and renders against the simulator; a refusal keeps its reasons; prices are looked up under
/// one deadline with one note; a catalogue without categories or schemas is read as the design says.
@Suite("The real catalogue from the command line")
struct RealCatalogCLITests {
    static let catalog = CLIProcess.packageRoot.appendingPathComponent("Tests/Fixtures/partner-catalog.json").path

    static func folder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The fixture's models with one key taken out of every entry, saved as a catalogue file (with `has_more` when
    /// asked): a page saved without categories, or without schemas.
    static func catalog(without key: String, in folder: URL, hasMore: Bool = false) throws -> URL {
        var models = try Self.models()
        for index in models.indices { models[index].removeValue(forKey: key) }
        let file = folder.appendingPathComponent("without-\(key).json")
        var page: [String: Any] = ["models": models]
        if hasMore { page["has_more"] = true }
        try JSONSerialization.data(withJSONObject: page).write(to: file)
        return file
    }

    static func models() throws -> [[String: Any]] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: catalog))) as? [String: Any]
        return root?["models"] as? [[String: Any]] ?? []
    }

    /// One shot per model writing only its required fields that have no default (an empty-string default counts as
    /// none): URLs for media, an enum's first value, a number's lower bound, a sentence for text.
    static func everyModelManifest() throws -> String {
        var lines = ["version: 1", "shots:"]
        for (index, model) in try models().enumerated() {
            let schema = model["input_schema"] as? [String: Any] ?? [:]
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            lines.append("  - id: s\(index)")
            lines.append("    model: \(model["model_id"] as? String ?? "")")
            for name in schema["required"] as? [String] ?? [] {
                let field = properties[name] ?? [:]
                let format = field["format"] as? String ?? ""
                if let value = field["default"], (value as? String) != "", !format.hasSuffix("_uri"), !format.hasSuffix("_uris") { continue }
                let medium = format.hasPrefix("image") ? "png" : format.hasPrefix("video") ? "mp4" : "wav"
                let value: String = if format.hasSuffix("_uris") {
                    "[https://example.com/a.\(medium)]"
                } else if format.hasSuffix("_uri") {
                    "https://example.com/a.\(medium)"
                } else if let choices = field["enum"] as? [Any], let first = choices.first {
                    first is String ? "\"\(first)\"" : "\(first)"
                } else if ["integer", "number"].contains(field["type"] as? String ?? "") {
                    "\(field["minimum"] ?? 1)"
                } else {
                    "\"A quiet street at dawn.\""
                }
                lines.append("    \(name): \(value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("one shot per model of the 121, only required fields without a default: validates, plans and renders")
    func everyModelRenders() async throws {
        let folder = try Self.folder("real-catalog")
        try Self.everyModelManifest().write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let validate = try await CLIProcess.run(["validate", "m.yaml", "--catalog", Self.catalog], in: folder)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("121 jobs") && validate.stdout.contains("s of audio") && validate.stdout.contains("at most"), "\(validate.stdout)")
        let plan = try await CLIProcess.run(["plan", "m.yaml", "--catalog", Self.catalog, "--json"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let run = try await CLIProcess.run(
            ["run", "m.yaml", "--catalog", Self.catalog, "--simulate", "--fresh", "--out", "out", "--progress", "plain"], in: folder
        )
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect((run.stdout + run.stderr).contains("121 jobs: 121 completed"), "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path)
        #expect(files.filter { $0.hasSuffix(".mp4") }.count == 90)
        #expect(files.filter { $0.hasSuffix(".png") }.count == 25)
        #expect(files.filter { $0.hasSuffix(".wav") }.count == 6)
    }

    @Test("an API that accepts connections but never answers: plan's price look-ups end within a few seconds, with one note")
    func slowPrices() async throws {
        let folder = try Self.folder("slow-prices")
        try Self.everyModelManifest().write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let simulator = try await SimulatorProcess(["--catalog", Self.catalog, "--model-info-delay", "60"])
        let started = ContinuousClock.now
        let plan = try await CLIProcess.run(
            ["plan", "m.yaml", "--catalog", Self.catalog, "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "test-token"], in: folder
        )
        let elapsed = ContinuousClock.now - started
        #expect(plan.status == 0, "\(plan.stderr)")
        // One look-up at a time, each waiting its read timeout, took 120 x 5 s; under one deadline (5 s, and the
        // seed's own look-up beside it) it is seconds. The bound leaves room for a busy machine.
        #expect(elapsed < .seconds(20), "\(elapsed)")
        // Every model's missing price, the seed's among them, in one note.
        let notes = plan.stderr.split(separator: "\n").filter { $0.contains("the live price is unavailable") }
        #expect(notes.count == 1, "\(plan.stderr)")
        #expect(notes.first?.contains("121 models") == true, "\(plan.stderr)")
        #expect(notes.first?.contains("the built-in estimate") == true, "the seed's stand-in is named: \(plan.stderr)")
    }

    @Test("a refusal's reasons reach the ledger's error, status and the contact sheet")
    func refusalReasons() async throws {
        let folder = try Self.folder("refusal")
        // The simulator's own limit (16 outputs a request) is past what this schema allows: the API refuses with a
        // FastAPI-style detail naming the field.
        let catalog = folder.appendingPathComponent("c.json")
        try #"[{"model_id": "acme/many/text-to-image", "price_unit": "output", "base_price_usd": 0.01, "categories": ["text-to-image"], "input_schema": {"required": ["prompt"], "properties": {"prompt": {"type": "string"}, "num_images": {"type": "integer", "minimum": 1, "maximum": 40}}}}]"#
            .write(to: catalog, atomically: true, encoding: .utf8)
        try "version: 1\nshots:\n  - {id: lots, model: acme/many/text-to-image, prompt: Lamps., num_images: 30}\n"
            .write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let run = try await CLIProcess.run(["run", "m.yaml", "--catalog", catalog.path, "--simulate", "--fresh", "--out", "out", "--progress", "plain"], in: folder)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        let status = try await CLIProcess.run(["status", "out", "--json"], in: folder)
        let root = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let job = (root?["jobs"] as? [[String: Any]])?.first
        let message = (job?["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(job?["state"] as? String == "failed")
        #expect(message.contains("num_images: "), "\(message)")
        let text = try await CLIProcess.run(["status", "out"], in: folder)
        #expect(text.stdout.contains("num_images: "), "\(text.stdout)")
        let sheet = try await CLIProcess.run(["report", "out", "--html", "sheet.html", "--catalog", catalog.path], in: folder)
        #expect(sheet.status == 1)
        let page = try String(contentsOf: folder.appendingPathComponent("sheet.html"), encoding: .utf8)
        #expect(page.contains("num_images: "))
        #expect(page.contains("<p class=\"prompt\">Lamps.</p>"), "the catalogue model's card shows its prompt")
    }

    @Test("a catalogue model's card shows its prompt and its media inputs, as the seed's cards do")
    func contactSheetOfAnyModel() async throws {
        let folder = try Self.folder("sheet")
        try """
            version: 1
            shots:
              - {id: keyframe, model: google/nano-banana-2-lite/edit, prompt: A lamp at dusk., image_urls: ["https://example.com/ref.png"]}
              - {id: clip, model: minimax/minimax-h3/image-to-video, prompt: The lamp flickers., image: {from: keyframe}}
            """.write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let run = try await CLIProcess.run(["run", "m.yaml", "--catalog", Self.catalog, "--simulate", "--fresh", "--out", "out"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let report = try await CLIProcess.run(["report", "out", "--html", "sheet.html", "--catalog", Self.catalog], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOf: folder.appendingPathComponent("sheet.html"), encoding: .utf8)
        #expect(page.contains("<p class=\"prompt\">A lamp at dusk.</p>") && page.contains("<p class=\"prompt\">The lamp flickers.</p>"))
        #expect(page.contains("src=\"https://example.com/ref.png\" alt=\"image_urls\""), "the edit's reference image is shown")
        #expect(page.contains("image: from keyframe"), "the clip's start frame names the job it comes from")
    }

    @Test("models list --json gives each model's output kind from its id and inputs when the catalogue has no categories")
    func kindsWithoutCategories() async throws {
        let file = try Self.catalog(without: "categories", in: try Self.folder("kinds"))
        let list = try await CLIProcess.run(["models", "list", "--json", "--catalog", file.path])
        #expect(list.status == 0, "\(list.stderr)")
        let root = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        let kinds = Dictionary(((root?["models"] as? [[String: Any]]) ?? []).map { ($0["model_id"] as? String ?? "", $0["output_kind"] as? String ?? "") }) { a, _ in a }
        #expect(kinds.values.filter { $0 == "unknown" }.count <= 3, "\(kinds.filter { $0.value == "unknown" })")
        #expect(kinds["wan-ai/wan-2.7/edit-video"] == "video" && kinds["bytedance/seedance-2.5/text-to-video/4k"] == "video")
        #expect(kinds["wan-ai/wan-2.7/text-to-image"] == "image" && kinds["bytedance/seed-audio-1.0/text-to-audio"] == "audio")
    }

    @Test("a catalogue saved without schemas: warned at load with what to do, and a shot of it refused")
    func withoutSchemas() async throws {
        let folder = try Self.folder("no-schemas")
        let file = try Self.catalog(without: "input_schema", in: folder, hasMore: true)
        try "version: 1\nshots:\n  - {id: a, model: wan-ai/wan-2.7/text-to-image, prompt: A lamp.}\n"
            .write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let validate = try await CLIProcess.run(["validate", "m.yaml", "--catalog", file.path], in: folder)
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("warning: the catalogue") && validate.stderr.contains("has no input schemas"), "\(validate.stderr)")
        #expect(validate.stderr.contains("has_more"), "\(validate.stderr)")
        #expect(validate.stderr.contains("error: model 'wan-ai/wan-2.7/text-to-image' has no input schema"), "\(validate.stderr)")
    }

    @Test("models show of the seed model with a catalogue whose entry lacks multi_prompt still lists it")
    func seedShowsMultiPrompt() async throws {
        let folder = try Self.folder("seed-show")
        let file = folder.appendingPathComponent("c.json")
        try #"[{"model_id": "kling/kling-video-o3/pro/image-to-video", "price_unit": "second", "input_schema": {"required": ["image", "prompt"], "properties": {"image": {"type": "string", "format": "image_uri"}, "prompt": {"type": "string"}}}}]"#
            .write(to: file, atomically: true, encoding: .utf8)
        let show = try await CLIProcess.run(["models", "show", "kling/kling-video-o3/pro/image-to-video", "--catalog", file.path])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("multi_prompt"), "\(show.stdout)")
    }

    @Test("a job with several outputs: the completed line names every file")
    func everyFileNamed() async throws {
        let folder = try Self.folder("outputs")
        try "version: 1\nshots:\n  - {id: pair, model: wan-ai/wan-2.7/text-to-image, prompt: Two lamps., max_images: 2}\n"
            .write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let run = try await CLIProcess.run(["run", "m.yaml", "--catalog", Self.catalog, "--simulate", "--fresh", "--out", "out", "--progress", "plain"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("pair: completed (pair-1.png, pair-2.png)"), "\(run.stdout)")
    }

    @Test("sound nothing prices: plan says the estimate leaves it out (once), and --max-cost counts it at the largest published factor")
    func unpricedSound() async throws {
        let folder = try Self.folder("unpriced-sound")
        let catalog = folder.appendingPathComponent("c.json")
        let entry = #"{"model_id": "acme/loud-%@/image-to-video", "price_unit": "second", "base_price_usd": 0.1, "categories": ["image-to-video"], "input_schema": {"required": ["prompt"], "properties": {"prompt": {"type": "string"}, "duration": {"type": "integer", "minimum": 1, "maximum": 20, "default": 10}, "generate_audio": {"type": "boolean", "default": true}}}}"#
        try "[\(entry.replacingOccurrences(of: "%@", with: "a")), \(entry.replacingOccurrences(of: "%@", with: "b"))]".write(to: catalog, atomically: true, encoding: .utf8)
        try "version: 1\nshots:\n  - {id: a, model: acme/loud-a/image-to-video, prompt: Thunder.}\n  - {id: b, model: acme/loud-b/image-to-video, prompt: Rain.}\n"
            .write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let plan = try await CLIProcess.run(["plan", "m.yaml", "--catalog", catalog.path], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("estimated $2.0000"), "sound left out of the estimate: \(plan.stdout)")
        let notes = plan.stdout.split(separator: "\n").filter { $0.contains("what sound adds to the price") }
        #expect(notes.count == 1 && notes[0].contains("2 models") && notes[0].contains("x1.5"), "\(plan.stdout)")
        let capped = try await CLIProcess.run(
            ["run", "m.yaml", "--catalog", catalog.path, "--simulate", "--fresh", "--out", "capped", "--max-cost", "2.5"], in: folder
        )
        // Each job counts $1.50 against the cap: the second would pass $2.50.
        #expect(capped.status == 5, "\(capped.stdout)\n\(capped.stderr)")
        let enough = try await CLIProcess.run(
            ["run", "m.yaml", "--catalog", catalog.path, "--simulate", "--fresh", "--out", "enough", "--max-cost", "3"], in: folder
        )
        #expect(enough.status == 0, "\(enough.stdout)\n\(enough.stderr)")
    }
}
