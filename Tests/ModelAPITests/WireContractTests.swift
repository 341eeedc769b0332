import Foundation
import HTTPTypes
import JobManifest
import ModelAPI
import Testing
import YAML
import JSON

/// Every request and response shape, pinned to golden JSON written by hand from the seed and runcomfy-api.md
/// (`Golden/README.md` says where each comes from).
@Suite("Wire format against golden JSON")
struct WireContractTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: golden.appendingPathComponent(name), encoding: .utf8)
    }

    /// JSON re-serialized with sorted keys, so documents compare by content.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    private func client(_ transport: StubTransport) -> HTTPModelAPIClient {
        HTTPModelAPIClient(configuration: .init(baseURL: "https://model-api.runcomfy.net/"), token: Token("secret-token"), transport: transport)
    }

    private func body(_ yaml: String) throws -> [UInt8] {
        let manifest = try ManifestReader().read(.text(yaml, name: "m.yaml"), name: "m.yaml", folder: "/")
        return Array(manifest.jobs[0].body.json(images: .digest).compact.utf8)
    }

    @Test("the submit body is the golden minimal request: every default written out")
    func minimalRequest() throws {
        let golden = try Self.text("submit-request-minimal.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(golden.utf8)) as? [String: Any])
        let image = try #require(object["image"] as? String)
        let prompt = try #require(object["prompt"] as? String)
        let sent = try body("version: 1\nshots:\n  - id: a\n    image: \(image)\n    prompt: \(SimQuote.quote(prompt))\n")
        #expect(try Self.canonical(Data(sent)) == Self.canonical(Data(golden.utf8)))
    }

    @Test("the submit body of a full shot is the golden full request")
    func fullRequest() throws {
        let golden = try Self.text("submit-request-full.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(golden.utf8)) as? [String: Any])
        let segments = try #require(object["multi_prompt"] as? [[String: Any]])
        var yaml = "version: 1\nshots:\n  - id: a\n"
        yaml += "    image: \(object["image"] as? String ?? "")\n    end_image: \(object["end_image"] as? String ?? "")\n"
        yaml += "    prompt: \(SimQuote.quote(object["prompt"] as? String ?? ""))\n    sound: true\n    shot_type: intelligent\n    multi_prompt:\n"
        for segment in segments {
            yaml += "      - {prompt: \(SimQuote.quote(segment["prompt"] as? String ?? "")), duration: \(segment["duration"] as? Int ?? 0)}\n"
        }
        #expect(try Self.canonical(Data(try body(yaml))) == Self.canonical(Data(golden.utf8)))
    }

    @Test("submit: POST to the model's path, unescaped, bearer token, on a fresh connection; the answer parsed")
    func submit() async throws {
        let transport = StubTransport(status: 200, body: try Self.text("submit-response.json"))
        let submission = try await client(transport).submit(modelID: "kling/kling-video-o3/pro/image-to-video", body: Array("{}".utf8))
        #expect(submission.requestID == "req_2c0f9a6e4b7d4e1a")
        #expect(submission.statusURL == "https://model-api.runcomfy.net/v1/requests/req_2c0f9a6e4b7d4e1a/status")
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url == "https://model-api.runcomfy.net/v1/models/kling/kling-video-o3/pro/image-to-video")
        #expect(request.headers[.authorization] == "Bearer secret-token")
        #expect(request.headers[.contentType] == "application/json")
        #expect(request.fresh)
    }

    @Test("status answers map to states, unknown values kept", arguments: [
        ("status-in-queue.json", RequestState.inQueue), ("status-in-progress.json", .inProgress), ("status-completed.json", .completed),
        ("status-cancelled.json", .cancelled), ("status-failed.json", .failed), ("status-unknown-value.json", .unknown("warming_up")),
    ])
    func status(file: String, state: RequestState) async throws {
        let transport = StubTransport(status: 200, body: try Self.text(file))
        let report = try await client(transport).status(requestID: "req_2c0f9a6e4b7d4e1a")
        #expect(report.state == state)
        #expect(!report.state.isTerminal || [.completed, .cancelled, .failed].contains(state))
        if state == .inQueue { #expect(report.queuePosition == 3) }
        #expect(transport.requests.first?.url == "https://model-api.runcomfy.net/v1/requests/req_2c0f9a6e4b7d4e1a/status")
    }

    @Test("results: outputs by their fallbacks, cost, errors as text; asks include_cost")
    func results() async throws {
        let completed = try await client(StubTransport(status: 200, body: try Self.text("result-completed.json"))).result(requestID: "req_2c0f9a6e4b7d4e1a")
        #expect(completed.state == .completed && completed.outputs.count == 1 && completed.cost == 0.56)
        #expect(completed.outputs[0].hasPrefix("https://playgrounds-storage-public.runcomfy.net/"))
        let videos = try await client(StubTransport(status: 200, body: try Self.text("result-completed-videos.json"))).result(requestID: "r")
        #expect(videos.state == .completed && videos.outputs.count == 1)
        let running = try await client(StubTransport(status: 200, body: try Self.text("result-in-progress.json"))).result(requestID: "r")
        #expect(running.state == .inProgress && running.outputs.isEmpty)
        let failedText = try await client(StubTransport(status: 200, body: try Self.text("result-failed-string-error.json"))).result(requestID: "r")
        #expect(failedText.state == .failed && failedText.error?.isEmpty == false)
        let failedObject = try await client(StubTransport(status: 200, body: try Self.text("result-failed-object-error.json"))).result(requestID: "r")
        #expect(failedObject.state == .failed && failedObject.error?.contains("content_policy_violation") == true)
        let transport = StubTransport(status: 200, body: try Self.text("result-completed.json"))
        _ = try await client(transport).result(requestID: "req_2c0f9a6e4b7d4e1a")
        #expect(transport.requests.first?.url.hasSuffix("/v1/requests/req_2c0f9a6e4b7d4e1a/result?include_cost=true") == true)
    }

    @Test("a result with an output counts as completed whatever its status says")
    func outputWins() async throws {
        let body = #"{"request_id":"r","status":"warming_up","output":{"video":"https://x.example/v.mp4"}}"#
        let report = try await client(StubTransport(status: 200, body: body)).result(requestID: "r")
        #expect(report.state == .completed && report.outputs == ["https://x.example/v.mp4"])
    }

    @Test("cancel: cancelled, not cancellable")
    func cancel() async throws {
        let yes = try await client(StubTransport(status: 200, body: try Self.text("cancel-cancelled.json"))).cancel(requestID: "r")
        #expect(yes.outcome == .cancelled)
        let no = try await client(StubTransport(status: 200, body: try Self.text("cancel-not-cancellable.json"))).cancel(requestID: "r")
        #expect(no.outcome == .notCancellable && no.state == .inProgress)
        let done = try await client(StubTransport(status: 200, body: try Self.text("cancel-not-cancellable-completed.json"))).cancel(requestID: "r")
        #expect(done.outcome == .notCancellable)
    }

    @Test("model info gives the price")
    func modelInfo() async throws {
        let info = try await client(StubTransport(status: 200, body: try Self.text("model-info.json"))).modelInfo(modelID: "kling/kling-video-o3/pro/image-to-video")
        #expect(info.basePriceUSD == 0.112 && info.priceUnit == "second")
    }

    @Test("error bodies classify by status and error_code", arguments: [
        ("error-400001-invalid-model.json", 400, APIError.Kind.fatal), ("error-400002-insufficient.json", 400, .fatal),
        ("error-400004-account.json", 401, .fatal), ("error-403001-permission.json", 403, .fatal),
        ("error-422-validation.json", 422, .rejected), ("error-500001-internal.json", 500, .ambiguous),
        ("error-200-with-error-code.json", 200, .fatal),
    ])
    func submitErrors(file: String, status: Int, kind: APIError.Kind) async throws {
        let stub = StubTransport(status: status, body: try Self.text(file))
        do {
            _ = try await client(stub).submit(modelID: "m", body: [])
            Issue.record("succeeded")
        } catch {
            #expect(error.kind == kind)
            #expect(!error.message.isEmpty)
            #expect(!error.description.contains("secret-token"))
        }
    }

    @Test("a 422 keeps the server's detail")
    func validationDetail() async throws {
        let stub = StubTransport(status: 422, body: try Self.text("error-422-validation.json"))
        do {
            _ = try await client(stub).submit(modelID: "m", body: [])
            Issue.record("succeeded")
        } catch {
            #expect(error.apiCode == 422001)
            #expect(error.detail?.contains("duration") == true)
        }
    }

    @Test("404001 on a poll means expired")
    func expired() async throws {
        let stub = StubTransport(status: 404, body: try Self.text("error-404001-not-found.json"))
        do {
            _ = try await client(stub).status(requestID: "r")
            Issue.record("succeeded")
        } catch {
            #expect(error.kind == .expired)
        }
    }

    @Test("a 2xx submit without a usable request id is ambiguous, never a success", arguments: [
        #"{}"#, #"{"request_id": ""}"#, #"{"request_id": "../../etc"}"#, #"{"request_id": 42}"#, "not json",
    ])
    func noRequestID(body: String) async throws {
        do {
            _ = try await client(StubTransport(status: 200, body: body)).submit(modelID: "m", body: [])
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.kind == .ambiguous)
        }
    }
}

/// YAML double-quoting for test manifests.
enum SimQuote {
    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
