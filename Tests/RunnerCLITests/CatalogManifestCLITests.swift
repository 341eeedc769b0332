import Foundation
import Testing

/// `validate --catalog` and `plan --catalog` with models the shipped snapshot does not hold.
@Suite("validate and plan with a catalogue file")
struct CatalogManifestCLITests {
    static let catalog = #"""
        [{"model_id": "acme/flow/image-to-video", "kind": "model", "price_unit": "second", "base_price_usd": 0.1,
          "categories": ["image-to-video"],
          "input_schema": {"type": "object", "required": ["start", "prompt"], "properties": {
            "start": {"type": "string", "format": "image_uri"}, "prompt": {"type": "string"},
            "strength": {"type": "float", "minimum": 0, "maximum": 1, "default": 0.25},
            "duration": {"type": "string", "enum": ["auto", "6", "8"], "default": "auto"},
            "refs": {"type": "array", "format": "image_uris", "maxItems": 2}}}},
         {"model_id": "acme/frame/text-to-image", "kind": "model", "price_unit": "output", "base_price_usd": 0.02,
          "categories": ["text-to-image"],
          "input_schema": {"type": "object", "required": ["prompt"], "properties": {
            "prompt": {"type": "string"}, "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1}}}}]
        """#

    private func workspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-catalog-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.catalog.write(to: folder.appendingPathComponent("catalog.json"), atomically: true, encoding: .utf8)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(to: folder.appendingPathComponent("start.png"))
        return folder
    }

    @Test("validate: each diagnostic compiler style at its line, with note: lines for the related places; exit 2")
    func validateDiagnostics() async throws {
        let folder = try workspace()
        try """
            version: 1
            defaults:
              strength: 1.5
            shots:
              - id: a
                model: acme/flow/image-to-video
                start: start.png
                prompt: Go.
                refs: [start.png, start.png, start.png]
              - id: a
                model: acme/frame/text-to-image
                prompt: Still.
            """.write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let catalog = folder.appendingPathComponent("catalog.json").path
        let result = try await CLIProcess.run(["validate", "m.yaml", "--catalog", catalog], in: folder)
        #expect(result.status == 2)
        let headers = result.stderr.split(separator: "\n").filter { $0.hasPrefix("m.yaml:") }.map(String.init)
        #expect(headers == [
            "m.yaml:3:13: error: strength 1.5 is out of range 0..1",
            "m.yaml:5:5: note: inherited by shot 'a', which renders with acme/flow/image-to-video",
            "m.yaml:9:11: error: refs has 3 items; at most 2 items are allowed",
            "m.yaml:10:9: error: duplicate id 'a': ids must differ ignoring case (first used at 5:9)",
            "m.yaml:5:9: note: 'a' is first used here",
            "m.yaml: 3 errors",
        ])
        // Without the catalogue the models are unknown, each with a hint.
        let plain = try await CLIProcess.run(["validate", "m.yaml"], environment: ["XDG_CACHE_HOME": folder.path + "/no-cache"], in: folder)
        #expect(plain.status == 2)
        #expect(plain.stderr.contains("m.yaml:6:12: error: unknown model 'acme/flow/image-to-video'"))
    }

    @Test("plan --json: each job's model, price unit, outputs and body; prices per model from the catalogue; auto as a bound")
    func planJSON() async throws {
        let folder = try workspace()
        try """
            version: 1
            shots:
              - {id: auto, model: acme/flow/image-to-video, start: start.png, prompt: Go.}
              - {id: six, model: acme/flow/image-to-video, start: start.png, prompt: Go., duration: 6, strength: 0.5}
              - {id: frames, model: acme/frame/text-to-image, prompt: Still., num_images: 3}
              - {id: seed, image: start.png, prompt: Seed.}
            """.write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let catalog = folder.appendingPathComponent("catalog.json").path
        let result = try await CLIProcess.run(["plan", "m.yaml", "--json", "--catalog", catalog], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let jobs = try #require(plan["jobs"] as? [[String: Any]])
        #expect(jobs.compactMap { $0["model"] as? String } == ["acme/flow/image-to-video", "acme/flow/image-to-video", "acme/frame/text-to-image", "kling/kling-video-o3/pro/image-to-video"])
        #expect(jobs.compactMap { $0["price_unit"] as? String } == ["second", "second", "output", "second"])
        #expect(jobs.compactMap { $0["outputs"] as? Int } == [1, 1, 3, 1])
        #expect(jobs[0]["duration"] as? Int == 8 && jobs[0]["duration_is_bound"] as? Bool == true)
        #expect(jobs[1]["duration"] as? Int == 6 && jobs[1]["duration_is_bound"] as? Bool == false)
        #expect(jobs[2]["duration"] is NSNull && jobs[2]["sound"] is NSNull && jobs[2]["shot_type"] is NSNull)
        #expect(jobs.compactMap { $0["estimated_cost"] as? Double } == [0.8, 0.6, 0.06, 0.56])
        let start = "file://" + folder.appendingPathComponent("start.png").path
        let body = try #require(jobs[1]["body"] as? [String: Any])
        #expect(body["duration"] as? String == "6" && body["strength"] as? Double == 0.5 && body["start"] as? String == start && body["prompt"] as? String == "Go.")
        #expect(Set(body.keys) == ["duration", "strength", "start", "prompt"])
        let defaults = try #require(jobs[0]["body"] as? [String: Any])
        #expect(defaults["duration"] as? String == "auto" && defaults["strength"] as? Double == 0.25)
        let prices = try #require(plan["prices"] as? [String: [String: Any]])
        #expect(prices["acme/flow/image-to-video"]?["base_price_usd"] as? Double == 0.1)
        #expect(prices["acme/flow/image-to-video"]?["source"] as? String == "snapshot")
        #expect(prices["acme/frame/text-to-image"]?["price_unit"] as? String == "output")
        #expect(prices["kling/kling-video-o3/pro/image-to-video"]?["source"] as? String == "estimate")
        let totals = try #require(plan["totals"] as? [String: Any])
        #expect(totals["unknown_cost_jobs"] as? Int == 0)
        #expect(abs((totals["estimated_cost"] as? Double ?? 0) - 2.02) < 0.00001)
    }
}
