import Foundation
import Testing

@Suite("shotrunner simulate, and plan's live price")
struct SimulateCommandTests {
    /// Runs curl (installed by `make deps`) and returns its output.
    private func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", "10"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the documented curl sequence: submit, status, result, cancel, stats")
    func curlSequence() throws {
        let simulator = try SimulatorProcess(["--clock-scale", "0.000001", "--token", "sk-test"])
        let auth = ["-H", "Authorization: Bearer sk-test"]
        let model = simulator.baseURL + "/v1/models/kling/kling-video-o3/pro/image-to-video"
        let submitted = try object(try curl(["-X", "POST", model] + auth + ["-H", "Content-Type: application/json", "-d",
            #"{"image": "https://cdn.example.com/a.png", "prompt": "Slow push-in.", "duration": 5}"#]))
        let id = try #require(submitted["request_id"] as? String)
        #expect(submitted["status_url"] as? String == simulator.baseURL + "/v1/requests/\(id)/status")
        let status = try object(try curl([simulator.baseURL + "/v1/requests/\(id)/status"] + auth))
        #expect(status["status"] as? String == "completed")
        let result = try object(try curl([simulator.baseURL + "/v1/requests/\(id)/result"] + auth))
        let output = try #require(result["output"] as? [String: Any])
        #expect((output["video"] as? String)?.hasSuffix(".mp4") == true)
        #expect(result["cost"] as? Double == 0.56)
        let cancel = try object(try curl(["-X", "POST", simulator.baseURL + "/v1/requests/\(id)/cancel"] + auth))
        #expect(cancel["outcome"] as? String == "not_cancellable")
        let refused = try object(try curl([simulator.baseURL + "/v1/requests/\(id)/status", "-H", "Authorization: Bearer wrong"]))
        #expect(refused["error_code"] as? Int == 401001)
        let stats = try object(try curl([simulator.baseURL + "/_sim/stats"]))
        #expect(stats["accepted_submits"] as? Int == 1)
    }

    @Test("bad options are usage errors (exit 2)")
    func badOptions() throws {
        #expect(try CLIProcess.run(["simulate", "--fault-429", "1.5"]).status == 2)
        #expect(try CLIProcess.run(["simulate", "--render-seconds", "90-30"]).status == 2)
    }

    @Test("plan asks the API for the price when a token is set, and falls back to the estimate when it cannot")
    func livePrice() throws {
        let simulator = try SimulatorProcess(["--price", "0.2"])
        let manifest = CLIProcess.fixture("valid/01-minimal.yaml")
        let live = try CLIProcess.run(["plan", manifest, "--json", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(live.status == 0)
        let plan = try object(live.stdout)
        let price = try #require(plan["price"] as? [String: Any])
        #expect(price["source"] as? String == "api" && price["per_second"] as? Double == 0.2)
        let offline = try CLIProcess.run(["plan", manifest, "--json", "--base-url", "http://127.0.0.1:1"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(offline.status == 0)
        #expect(offline.stderr.contains("the live price is unavailable"))
        #expect(try object(offline.stdout)["price"].flatMap { ($0 as? [String: Any])?["source"] as? String } == "estimate")
        let noToken = try CLIProcess.run(["plan", manifest, "--json", "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": "", "RUNCOMFY_TOKEN": ""])
        #expect(try object(noToken.stdout)["price"].flatMap { ($0 as? [String: Any])?["source"] as? String } == "estimate")
    }

    @Test("a token file others may read is refused, like ssh refuses a key")
    func tokenFileMode() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("token")
        try Data("sk-secret-value\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let result = try CLIProcess.run(["plan", CLIProcess.fixture("valid/01-minimal.yaml"), "--token-file", file.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("may be read by others (mode 644)"))
        #expect(!result.stderr.contains("sk-secret-value") && !result.stdout.contains("sk-secret-value"))
    }
}
