import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 17 end to end: a simulator serving models the snapshot does not hold, refreshed, planned and rendered.
@Suite("every model, rendered")
struct EveryModelEndToEndTests {
    static let catalog = #"""
        {"models": [
         {"model_id": "acme/flow/image-to-video", "kind": "model", "price_unit": "second", "categories": ["image-to-video"],
          "input_schema": {"type": "object", "required": ["start", "prompt"], "properties": {
            "start": {"type": "string", "format": "image_uri"}, "prompt": {"type": "string"},
            "duration": {"type": "string", "enum": ["auto", "6", "8"], "default": "auto"}}}},
         {"model_id": "acme/frame/text-to-image", "kind": "model", "price_unit": "output", "categories": ["text-to-image"],
          "input_schema": {"type": "object", "required": ["prompt"], "properties": {
            "prompt": {"type": "string"}, "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1}}}},
         {"model_id": "acme/a/text-to-image", "kind": "model", "categories": ["text-to-image"], "input_schema": {"properties": {"prompt": {"type": "string"}}}},
         {"model_id": "acme/b/text-to-image", "kind": "model", "categories": ["text-to-image"], "input_schema": {"properties": {"prompt": {"type": "string"}}}},
         {"model_id": "acme/c/text-to-image", "kind": "model", "categories": ["text-to-image"], "input_schema": {"properties": {"prompt": {"type": "string"}}}}
        ]}
        """#

    private static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("refresh fetches every page; the manifest plans with live prices and renders: POSTs to each model's path, two images for a two-image job")
    func refreshPlanRender() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-every-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.catalog.write(to: folder.appendingPathComponent("served.json"), atomically: true, encoding: .utf8)
        let simulator = try await SimulatorProcess(["--catalog", folder.appendingPathComponent("served.json").path, "--page-size", "2", "--clock-scale", "0.001"])
        let environment = ["RUNCOMFY_API_TOKEN": "test-token", "XDG_CACHE_HOME": folder.appendingPathComponent("cache").path]

        let refresh = try await CLIProcess.run(["models", "refresh", "--base-url", simulator.baseURL], environment: environment)
        #expect(refresh.status == 0, "\(refresh.stderr)")
        #expect(refresh.stdout.contains("catalogue: 5 models"), "\(refresh.stdout)")
        #expect(refresh.stderr.contains("page 3"), "pages of two: \(refresh.stderr)")
        let cache = try Self.json(String(contentsOf: folder.appendingPathComponent("cache/shotrunner/catalog.json"), encoding: .utf8))
        #expect((cache["models"] as? [Any])?.count == 5 && cache["fetched_at"] is String)

        var frame: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        frame += Array("this frame's own bytes".utf8)
        try Data(frame).write(to: folder.appendingPathComponent("start.png"))
        try """
            version: 1
            shots:
              - {id: clip, model: acme/flow/image-to-video, start: start.png, prompt: Go.}
              - {id: boards, model: acme/frame/text-to-image, prompt: Two boards., num_images: 2}
              - {id: seed, image: start.png, prompt: Seed.}
            """.write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)

        let plan = try await CLIProcess.run(["plan", "m.yaml", "--json", "--base-url", simulator.baseURL], environment: environment, in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try Self.json(plan.stdout)
        let prices = try #require(planned["prices"] as? [String: [String: Any]])
        #expect(prices["acme/flow/image-to-video"]?["source"] as? String == "api")
        #expect(prices["acme/frame/text-to-image"]?["price_unit"] as? String == "output")
        let jobs = try #require(planned["jobs"] as? [[String: Any]])
        #expect(jobs[0]["duration"] as? Int == 8 && jobs[0]["duration_is_bound"] as? Bool == true, "auto counts as the longest, as a bound")
        #expect(jobs[1]["outputs"] as? Int == 2)
        #expect((jobs[1]["estimated_cost"] as? Double).map { $0 > 0 } == true && (jobs[0]["estimated_cost"] as? Double).map { $0 > 0 } == true)

        let out = folder.appendingPathComponent("run")
        let run = try await CLIProcess.run(
            ["run", "m.yaml", "--base-url", simulator.baseURL, "--out", out.path, "--yes", "--progress", "plain"], environment: environment, in: folder
        )
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let status = try Self.json(try await CLIProcess.run(["status", out.path, "--json"]).stdout)
        let records = try #require(status["jobs"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0["id"] as? String ?? "", $0) })
        #expect(byID["boards"]?["files"] as? [String] == ["boards-1.png", "boards-2.png"])
        #expect(byID["boards"]?["model"] as? String == "acme/frame/text-to-image")
        #expect(byID["clip"]?["files"] as? [String] == ["clip.mp4"])
        #expect(byID["seed"]?["model"] as? String == "kling/kling-video-o3/pro/image-to-video")
        let first = try Data(contentsOf: out.appendingPathComponent("boards-1.png"))
        let second = try Data(contentsOf: out.appendingPathComponent("boards-2.png"))
        #expect(first.starts(with: [0x89, 0x50, 0x4E, 0x47]) && first != second, "two PNGs, each its own")

        let stats = try Self.json(String(decoding: try await URLSession.shared.data(from: URL(string: simulator.baseURL + "/_sim/stats")!).0, as: UTF8.self))
        // The local start frame arrived as its own bytes: the simulator saw their digest in a data URI (the clip's
        // job and the seed's both sent it).
        let media = try #require(stats["accepted_media"] as? [String: Int])
        let frameDigest = SHA256Hex.of(frame)
        #expect(media[frameDigest] == 2, "\(media)")
        let accepted = try #require(stats["accepted_by_model"] as? [String: Int])
        #expect(accepted == ["acme/flow/image-to-video": 1, "acme/frame/text-to-image": 1, "kling/kling-video-o3/pro/image-to-video": 1])

        // The ledger names each job's model and records a price per model.
        let ledger = try String(contentsOf: out.appendingPathComponent("ledger.jsonl"), encoding: .utf8)
        #expect(ledger.contains(#""model":"acme/flow/image-to-video""#))
        #expect(ledger.contains(#""event":"price""#) && ledger.contains("acme/frame/text-to-image"))
    }

    @Test("--max-cost refuses a job whose cost is unknown (a per-second model with no duration), exit 3, nothing submitted")
    func capNeedsEveryCost() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-cap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let catalog = folder.appendingPathComponent("c.json")
        try #"[{"model_id": "acme/nodur/text-to-video", "kind": "model", "price_unit": "second", "categories": ["text-to-video"], "input_schema": {"required": ["prompt"], "properties": {"prompt": {"type": "string"}}}}]"#
            .write(to: catalog, atomically: true, encoding: .utf8)
        let simulator = try await SimulatorProcess(["--catalog", catalog.path, "--clock-scale", "0.001"])
        try "version: 1\nshots:\n  - {id: a, model: acme/nodur/text-to-video, prompt: Go.}\n".write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let run = try await CLIProcess.run(
            ["run", "m.yaml", "--catalog", catalog.path, "--base-url", simulator.baseURL, "--out", "out", "--yes", "--max-cost", "5"],
            environment: ["RUNCOMFY_API_TOKEN": "test-token"], in: folder
        )
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("--max-cost") && run.stderr.contains("acme/nodur/text-to-video"))
        let stats = try Self.json(String(decoding: try await URLSession.shared.data(from: URL(string: simulator.baseURL + "/_sim/stats")!).0, as: UTF8.self))
        #expect(stats["accepted_submits"] as? Int == 0)
        // Without the cap it renders (its cost is simply unknown).
        let uncapped = try await CLIProcess.run(
            ["run", "m.yaml", "--catalog", catalog.path, "--base-url", simulator.baseURL, "--out", "out", "--yes"],
            environment: ["RUNCOMFY_API_TOKEN": "test-token"], in: folder
        )
        #expect(uncapped.status == 0, "\(uncapped.stderr)")
        // A cost nobody knows is on record as null, in the job list and in the intent, never as 0.
        let ledger = try String(contentsOf: folder.appendingPathComponent("out/ledger.jsonl"), encoding: .utf8)
        let intent = try #require(ledger.split(separator: "\n").first { $0.contains("\"event\":\"submit_intent\"") })
        #expect(intent.contains("\"estimated_cost\":null"), "\(intent)")
        #expect(ledger.contains("\"id\":\"a\",\"index\":0,\"key\":"))
        #expect(!ledger.contains("\"estimated_cost\":0"), "\(ledger)")
    }

    @Test("the mixed-model example renders with --simulate: images as PNG, clips as MP4")
    func mixedExample() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-mixed-\(UUID().uuidString)")
        let manifest = CLIProcess.packageRoot.appendingPathComponent("manifests/mixed-models.yaml").path
        let run = try await CLIProcess.run(["run", manifest, "--simulate", "--out", out.path, "--fresh", "--progress", "plain"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        for file in ["keyframes/tower.png", "keyframes/storm.png", "arrival/boat.mp4", "night/ship.mp4", "dawn/tower.mp4"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let png = try Data(contentsOf: out.appendingPathComponent("keyframes/tower.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("a catalogue whose schema changed a rendered job's defaults: the resume lists it and stops, exit 2, unless --accept-catalog-change")
    func catalogChange() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-change-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let before = folder.appendingPathComponent("before.json")
        let after = folder.appendingPathComponent("after.json")
        try Self.catalog.write(to: before, atomically: true, encoding: .utf8)
        try Self.catalog.replacingOccurrences(of: #""default": "auto""#, with: #""default": "6""#).write(to: after, atomically: true, encoding: .utf8)
        let simulator = try await SimulatorProcess(["--catalog", before.path, "--clock-scale", "0.001"])
        let environment = ["RUNCOMFY_API_TOKEN": "test-token", "XDG_CACHE_HOME": folder.appendingPathComponent("cache").path]
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(to: folder.appendingPathComponent("start.png"))
        try "version: 1\nshots:\n  - {id: clip, model: acme/flow/image-to-video, start: start.png, prompt: Go.}\n"
            .write(to: folder.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        func run(_ catalog: URL, _ extra: [String] = []) async throws -> CLIProcess.Result {
            try await CLIProcess.run(
                ["run", "m.yaml", "--catalog", catalog.path, "--base-url", simulator.baseURL, "--out", "out", "--yes", "--progress", "plain"] + extra,
                environment: environment, in: folder
            )
        }
        let first = try await run(before)
        #expect(first.status == 0, "\(first.stderr)")
        let again = try await run(before)
        #expect(again.status == 0 && !again.stdout.contains("submitted"), "an unchanged catalogue renders nothing: \(again.stdout)")
        let changed = try await run(after)
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("acme/flow/image-to-video") && changed.stderr.contains("clip") && changed.stderr.contains("--accept-catalog-change"), "\(changed.stderr)")
        let ledger = try String(contentsOf: folder.appendingPathComponent("out/ledger.jsonl"), encoding: .utf8)
        #expect(ledger.components(separatedBy: #""event":"submit_intent""#).count == 2, "one submit in all so far")
        let accepted = try await run(after, ["--accept-catalog-change"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let final = try String(contentsOf: folder.appendingPathComponent("out/ledger.jsonl"), encoding: .utf8)
        #expect(final.components(separatedBy: #""event":"submit_intent""#).count == 3, "rendered again once accepted")
    }
}

/// SHA-256 in lowercase hex, by the system's `sha256sum` (the test target has no crypto library of its own).
enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try? Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let out = Pipe()
        process.standardOutput = out
        try? process.run()
        process.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
