import Foundation
import Testing

@Suite("models list and show")
struct ModelsCommandTests {
    @Test("the shipped snapshot lists the seed and a dozen more; --catalog reads a saved response; an unknown id is exit 2 with a hint")
    func listAndShow() async throws {
        let list = try await CLIProcess.run(["models", "list", "--json"], environment: ["XDG_CACHE_HOME": "/nonexistent-cache"])
        #expect(list.status == 0, "\(list.stderr)")
        let listed = try #require((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["models"] as? [[String: Any]])
        #expect(listed.count >= 13)
        #expect(listed.first?["model_id"] as? String == "kling/kling-video-o3/pro/image-to-video")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString).json").path
        try #"""
            {"models": [{"model_id": "acme/flow/image-to-video", "kind": "model", "price_unit": "second", "categories": ["image-to-video"],
              "input_schema": {"type": "object", "required": ["start"], "properties": {
                "start": {"type": "string", "format": "image_uri"}, "strength": {"type": "float", "minimum": 0, "maximum": 1},
                "duration": {"type": "string", "enum": ["auto", "6", "8"], "default": "auto"}, "refs": {"type": "array", "format": "image_uris", "maxItems": 3}}}}],
             "has_more": false}
            """#.write(toFile: file, atomically: true, encoding: .utf8)
        let show = try await CLIProcess.run(["models", "show", "acme/flow/image-to-video", "--catalog", file, "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        let model = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let fields = try #require(model["fields"] as? [[String: Any]])
        #expect(fields.compactMap { $0["name"] as? String } == ["start", "strength", "duration", "refs"])
        #expect(fields[0]["required"] as? Bool == true && fields[0]["media"] as? String == "image")
        #expect(fields[1]["type"] as? String == "number" && fields[1]["maximum"] as? Double == 1)
        #expect(fields[3]["media"] as? String == "images" && fields[3]["max_items"] as? Int == 3)
        // The seed model is known whatever the catalogue.
        let seedListed = try await CLIProcess.run(["models", "list", "--catalog", file])
        #expect(seedListed.stdout.contains("kling/kling-video-o3/pro/image-to-video") && seedListed.stdout.contains("acme/flow/image-to-video"))

        let unknown = try await CLIProcess.run(["models", "show", "acme/flow/image-to-vidoe", "--catalog", file])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'acme/flow/image-to-video'"), "\(unknown.stderr)")
    }
}
