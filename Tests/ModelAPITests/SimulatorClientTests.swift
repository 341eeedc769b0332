import APISimulator
import Foundation
import ModelAPI
import Testing

/// The real client against the simulator on loopback (port 0), one fault at a time. Time in the simulator is
/// driven by hand, so nothing waits on the wall clock for work.
@Suite("Client against the simulator")
struct SimulatorClientTests {
    static let model = "kling/kling-video-o3/pro/image-to-video"
    static let body = Array(#"{"duration":5,"image":"https://cdn.example.com/a.png","prompt":"p","shot_type":"customize","sound":false}"#.utf8)

    /// Runs `body` with a simulator and a client on it, then stops both.
    private func withSimulator(
        _ configure: (inout SimulatorOptions) -> Void = { _ in },
        token: String = "test-token",
        readTimeout: Duration = .seconds(10),
        _ body: (HTTPModelAPIClient, RunningSimulator, ManualTime) async throws -> Void
    ) async throws {
        let (simulator, time) = try await SimulatorSession.start(configure)
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(2))
        var configuration = HTTPModelAPIClient.Configuration(baseURL: simulator.baseURL)
        configuration.submitReadTimeout = readTimeout
        configuration.pollReadTimeout = readTimeout
        let client = HTTPModelAPIClient(configuration: configuration, token: Token(token), transport: transport)
        do {
            try await body(client, simulator, time)
        } catch {
            await transport.shutdown()
            await simulator.stop()
            throw error
        }
        await transport.shutdown()
        await simulator.stop()
    }

    private func stats(_ simulator: RunningSimulator) async throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data((await simulator.statsJSON()).utf8)) as? [String: Any])
    }

    private func expectError(_ kind: APIError.Kind, code: String? = nil, _ call: () async throws -> Void) async {
        do {
            try await call()
            Issue.record("expected \(kind), got success")
        } catch let error as APIError {
            #expect(error.kind == kind, "\(error)")
            if let code { #expect(error.code == code) }
        } catch {
            Issue.record("not an APIError: \(error)")
        }
    }

    @Test("a job goes in_queue, in_progress, completed; its result has the output and the cost; it downloads")
    func lifecycle() async throws {
        try await withSimulator { client, simulator, time in
            let submission = try await client.submit(modelID: Self.model, body: Self.body)
            #expect(try await client.status(requestID: submission.requestID).state == .inQueue)
            #expect(try await client.result(requestID: submission.requestID).state == .inQueue)
            time.advance(bySeconds: 20)
            #expect(try await client.status(requestID: submission.requestID).state == .inProgress)
            time.advance(bySeconds: 60)
            #expect(try await client.status(requestID: submission.requestID).state == .completed)
            let result = try await client.result(requestID: submission.requestID)
            #expect(result.state == .completed && result.cost == 0.56)
            let url = try #require(result.outputs.first)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-dl-\(UUID().uuidString)")
            let target = folder.appendingPathComponent("scene/a.mp4").path
            let base = folder.appendingPathComponent("scene/a").path
            // The run folder must exist (a removed one is not made again); a scene's folder in it is made.
            await expectError(.localIO, code: "folder_missing") { _ = try await client.download(from: url, toBase: base, maxBytes: 1 << 20) }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let download = try await client.download(from: url, toBase: base, maxBytes: 1 << 20)
            #expect(download.path == target && download.mediaType == "video/mp4", "the extension comes from the bytes")
            let data = try Data(contentsOf: URL(fileURLWithPath: target))
            #expect(download.bytes == data.count && data.count > 1_000)
            #expect(Array(data[4..<8]) == Array("ftyp".utf8))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("scene").path) == ["a.mp4"])
            let counters = try await stats(simulator)
            #expect(counters["accepted_submits"] as? Int == 1)
        }
    }

    @Test("a download past its size cap fails and leaves no file behind")
    func downloadCap() async throws {
        try await withSimulator { client, _, time in
            let id = try await client.submit(modelID: Self.model, body: Self.body).requestID
            time.advance(bySeconds: 100)
            let url = try #require(try await client.result(requestID: id).outputs.first)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-dl-\(UUID().uuidString)")
            await expectError(.rejected, code: "response_too_large") {
                _ = try await client.download(from: url, toBase: folder.appendingPathComponent("a").path, maxBytes: 100)
            }
            #expect((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) == [])
        }
    }

    @Test("cancel: a queued job is cancelled, a running one is not")
    func cancel() async throws {
        try await withSimulator { client, _, time in
            let queued = try await client.submit(modelID: Self.model, body: Self.body).requestID
            #expect(try await client.cancel(requestID: queued).outcome == .cancelled)
            #expect(try await client.status(requestID: queued).state == .cancelled)
            let running = try await client.submit(modelID: Self.model, body: Self.body).requestID
            time.advance(bySeconds: 30)
            #expect(try await client.cancel(requestID: running).outcome == .notCancellable)
        }
    }

    @Test("429 with Retry-After is throttled, and nothing is accepted")
    func rateLimited() async throws {
        try await withSimulator({ $0.faults.rateLimited = 1 }) { client, simulator, _ in
            do {
                _ = try await client.submit(modelID: Self.model, body: Self.body)
                Issue.record("accepted")
            } catch let error as APIError {
                #expect(error.kind == .throttled && error.retryAfter == .seconds(1))
            }
            let accepted = try await stats(simulator)["accepted_submits"] as? Int
            #expect(accepted == 0)
        }
    }

    @Test("503 before acceptance is throttled")
    func unavailable() async throws {
        try await withSimulator({ $0.faults.unavailableBeforeAccept = 1 }) { client, simulator, _ in
            await expectError(.throttled, code: "api_503001") { _ = try await client.submit(modelID: Self.model, body: Self.body) }
            let accepted = try await stats(simulator)["accepted_submits"] as? Int
            #expect(accepted == 0)
        }
    }

    @Test("500 after acceptance is ambiguous, and the submit was accepted")
    func errorAfterAccept() async throws {
        try await withSimulator({ $0.faults.errorAfterAccept = 1 }) { client, simulator, _ in
            await expectError(.ambiguous) { _ = try await client.submit(modelID: Self.model, body: Self.body) }
            let accepted = try await stats(simulator)["accepted_submits"] as? Int
            #expect(accepted == 1)
        }
    }

    @Test("an accepted submit whose answer is lost is ambiguous")
    func lostResponse() async throws {
        try await withSimulator({ $0.faults.lostResponse = 1 }) { client, simulator, _ in
            await expectError(.ambiguous, code: "transport_dropped") { _ = try await client.submit(modelID: Self.model, body: Self.body) }
            let accepted = try await stats(simulator)["accepted_submits"] as? Int
            #expect(accepted == 1)
        }
    }

    @Test("an answer slower than the read timeout is ambiguous on a submit")
    func slowResponse() async throws {
        try await withSimulator({ $0.faults.slowResponse = 1; $0.faults.slowDelay = 3 }, readTimeout: .milliseconds(300)) { client, _, _ in
            await expectError(.ambiguous, code: "transport_timeout") { _ = try await client.submit(modelID: Self.model, body: Self.body) }
        }
    }

    @Test("nothing listening: not sent")
    func notSent() async throws {
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(2))
        let client = HTTPModelAPIClient(configuration: .init(baseURL: "http://127.0.0.1:1"), token: Token("t"), transport: transport)
        await expectError(.notSent) { _ = try await client.submit(modelID: Self.model, body: Self.body) }
        await transport.shutdown()
    }

    @Test("poll faults are transient: 5xx, and 200 bodies carrying error_code")
    func pollFaults() async throws {
        var id = ""
        try await withSimulator({ $0.faults.pollServerError = 1 }) { client, _, _ in
            id = try await client.submit(modelID: Self.model, body: Self.body).requestID
            await expectError(.transient) { _ = try await client.status(requestID: id) }
            await expectError(.transient) { _ = try await client.result(requestID: id) }
        }
        try await withSimulator({ $0.faults.okWithErrorCode = 1 }) { client, _, _ in
            id = try await client.submit(modelID: Self.model, body: Self.body).requestID
            await expectError(.transient, code: "api_500001") { _ = try await client.status(requestID: id) }
        }
    }

    @Test("a failed job's result says why; an unknown status is kept")
    func failedAndUnknown() async throws {
        try await withSimulator({ $0.faults.jobFailure = 1; $0.faults.unknownStatus = 1 }) { client, _, time in
            let id = try await client.submit(modelID: Self.model, body: Self.body).requestID
            time.advance(bySeconds: 30)
            #expect(try await client.status(requestID: id).state == .unknown("warming_up"))
            time.advance(bySeconds: 60)
            let result = try await client.result(requestID: id)
            #expect(result.state == .failed && result.error?.contains("render_failed") == true)
        }
    }

    @Test("an expired request id: 404001, expired")
    func expiry() async throws {
        try await withSimulator({ $0.faults.expiry = 1 }) { client, _, time in
            let id = try await client.submit(modelID: Self.model, body: Self.body).requestID
            time.advance(bySeconds: 100)
            await expectError(.expired, code: "api_404001") { _ = try await client.status(requestID: id) }
            await expectError(.expired) { _ = try await client.status(requestID: "req_never") }
        }
    }

    @Test("account limits: concurrency gives 429, an empty balance 400002 (fatal)")
    func accountLimits() async throws {
        try await withSimulator({ $0.concurrencyLimit = 1 }) { client, _, time in
            _ = try await client.submit(modelID: Self.model, body: Self.body)
            await expectError(.throttled, code: "api_429002") { _ = try await client.submit(modelID: Self.model, body: Self.body) }
            time.advance(bySeconds: 100)
            _ = try await client.submit(modelID: Self.model, body: Self.body)
        }
        try await withSimulator({ $0.balance = 1 }) { client, _, _ in
            _ = try await client.submit(modelID: Self.model, body: Self.body)
            await expectError(.fatal, code: "api_400002") { _ = try await client.submit(modelID: Self.model, body: Self.body) }
        }
    }

    @Test("a wrong token, a wrong model: fatal; a bad body: rejected with detail")
    func refusals() async throws {
        try await withSimulator({ $0.token = "right" }, token: "wrong") { client, _, _ in
            await expectError(.fatal, code: "api_401001") { _ = try await client.submit(modelID: Self.model, body: Self.body) }
        }
        try await withSimulator { client, simulator, _ in
            await expectError(.fatal, code: "api_400001") { _ = try await client.submit(modelID: "kling/nope", body: Self.body) }
            do {
                _ = try await client.submit(modelID: Self.model, body: Array(#"{"image":"http://x/a.png","prompt":"","duration":16,"extra":1}"#.utf8))
                Issue.record("accepted")
            } catch let error as APIError {
                #expect(error.kind == .rejected && error.httpStatus == 422)
                for field in ["image", "prompt", "duration", "extra"] { #expect(error.detail?.contains("\"\(field)\"") == true) }
            }
            let accepted = try await stats(simulator)["accepted_submits"] as? Int
            #expect(accepted == 0)
        }
    }

    @Test("the simulator enforces the segment sum and the data URI form, like the schema says")
    func simulatorValidation() async throws {
        try await withSimulator { client, _, _ in
            let badSum = #"{"duration":10,"image":"https://x.example/a.png","prompt":"p","multi_prompt":[{"prompt":"a","duration":4}]}"#
            await expectError(.rejected) { _ = try await client.submit(modelID: Self.model, body: Array(badSum.utf8)) }
            let dataURI = #"{"duration":5,"image":"data:image/png;base64,iVBORw0KGgo=","prompt":"p"}"#
            _ = try await client.submit(modelID: Self.model, body: Array(dataURI.utf8))
            let floatDuration = #"{"duration":5.0,"image":"https://x.example/a.png","prompt":"p"}"#
            await expectError(.rejected) { _ = try await client.submit(modelID: Self.model, body: Array(floatDuration.utf8)) }
        }
    }

    @Test("model info carries the price")
    func modelInfo() async throws {
        try await withSimulator { client, _, _ in
            let info = try await client.modelInfo(modelID: Self.model)
            #expect(info.basePriceUSD == 0.112 && info.priceUnit == "second")
        }
    }
}
