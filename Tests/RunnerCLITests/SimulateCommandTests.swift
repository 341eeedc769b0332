import Foundation
import ChildProcessSupport
import RunnerTestSupport
import Testing

@Suite("shotrunner simulate, and plan's live price")
struct SimulateCommandTests {
    /// Runs curl (installed by `make deps`) and returns its output.
    private func curl(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run("/usr/bin/env", ["curl", "-s", "--max-time", "10"] + arguments).stdout
    }

    private func object(_ text: String) async throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the documented curl sequence: submit, status, result, cancel, stats")
    func curlSequence() async throws {
        let simulator = try await SimulatorProcess(["--clock-scale", "0.000001", "--token", "sk-test"])
        let auth = ["-H", "Authorization: Bearer sk-test"]
        let model = simulator.baseURL + "/v1/models/kling/kling-video-o3/pro/image-to-video"
        let submitted = try await object(try await curl(["-X", "POST", model] + auth + ["-H", "Content-Type: application/json", "-d",
            #"{"image": "https://cdn.example.com/a.png", "prompt": "Slow push-in.", "duration": 5}"#]))
        let id = try #require(submitted["request_id"] as? String)
        #expect(submitted["status_url"] as? String == simulator.baseURL + "/v1/requests/\(id)/status")
        let status = try await object(try await curl([simulator.baseURL + "/v1/requests/\(id)/status"] + auth))
        #expect(status["status"] as? String == "completed")
        let result = try await object(try await curl([simulator.baseURL + "/v1/requests/\(id)/result"] + auth))
        let output = try #require(result["output"] as? [String: Any])
        #expect((output["video"] as? String)?.hasSuffix(".mp4") == true)
        #expect(result["cost"] as? Double == 0.56)
        let cancel = try await object(try await curl(["-X", "POST", simulator.baseURL + "/v1/requests/\(id)/cancel"] + auth))
        #expect(cancel["outcome"] as? String == "not_cancellable")
        let refused = try await object(try await curl([simulator.baseURL + "/v1/requests/\(id)/status", "-H", "Authorization: Bearer wrong"]))
        #expect(refused["error_code"] as? Int == 401001)
        let stats = try await object(try await curl([simulator.baseURL + "/_sim/stats"]))
        #expect(stats["accepted_submits"] as? Int == 1)
    }

    @Test("bad options are usage errors (exit 2)")
    func badOptions() async throws {
        #expect(try await CLIProcess.run(["simulate", "--fault-429", "1.5"]).status == 2)
        #expect(try await CLIProcess.run(["simulate", "--render-seconds", "90-30"]).status == 2)
    }

    @Test("plan asks the API for the price when a token is set, and falls back to the estimate when it cannot")
    func livePrice() async throws {
        let simulator = try await SimulatorProcess(["--price", "0.2"])
        let manifest = CLIProcess.fixture("valid/01-minimal.yaml")
        let live = try await CLIProcess.run(["plan", manifest, "--json", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(live.status == 0)
        let plan = try await object(live.stdout)
        let price = try #require(plan["price"] as? [String: Any])
        #expect(price["source"] as? String == "api" && price["per_second"] as? Double == 0.2)
        let offline = try await CLIProcess.run(["plan", manifest, "--json", "--base-url", "http://127.0.0.1:1"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(offline.status == 0)
        #expect(offline.stderr.contains("the live price is unavailable"))
        #expect(try await object(offline.stdout)["price"].flatMap { ($0 as? [String: Any])?["source"] as? String } == "estimate")
        let noToken = try await CLIProcess.run(["plan", manifest, "--json", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "", "RUNCOMFY_TOKEN": ""])
        #expect(try await object(noToken.stdout)["price"].flatMap { ($0 as? [String: Any])?["source"] as? String } == "estimate")
    }

    @Test("a token file others may read is refused, like ssh refuses a key")
    func tokenFileMode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("token")
        try Data("sk-secret-value\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let result = try await CLIProcess.run(["plan", CLIProcess.fixture("valid/01-minimal.yaml"), "--token-file", file.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("may be read by others (mode 644)"))
        #expect(!result.stderr.contains("sk-secret-value") && !result.stdout.contains("sk-secret-value"))
    }
}
