import APISimulator
import Foundation
import HTTPTypes
import JSON
import ModelAPI
import Testing

/// A simulator on loopback (port 0) driven by hand-moved time, and plain HTTP calls to it: the catalogue tests
/// look at the wire itself, not at what the client makes of it.
struct SimulatorSession {
    let simulator: RunningSimulator
    let time: ManualTime
    private let transport: AsyncHTTPTransport
    private let authority: String

    /// One answer: its status, content type and body.
    struct Answer {
        var status: Int
        var contentType: String?
        var body: [UInt8]

        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    }

    /// Starts a simulator (as `start` does), runs `body` with a session on it, then stops it.
    static func run(_ configure: (inout SimulatorOptions) -> Void, _ body: (SimulatorSession) async throws -> Void) async throws {
        let (simulator, time) = try await start(configure)
        let session = SimulatorSession(
            simulator: simulator, time: time, transport: AsyncHTTPTransport(connectTimeout: .seconds(2), proxies: .direct),
            authority: "127.0.0.1:\(simulator.port)"
        )
        do {
            try await body(session)
        } catch {
            await session.transport.shutdown()
            await simulator.stop()
            throw error
        }
        await session.transport.shutdown()
        await simulator.stop()
    }

    /// Starts a simulator on a free port whose time moves by hand: renders take 60 s after 10 s in the queue,
    /// unless `configure` says otherwise.
    static func start(_ configure: (inout SimulatorOptions) -> Void) async throws -> (RunningSimulator, ManualTime) {
        var options = SimulatorOptions()
        options.renderSeconds = 60...60
        options.queueSeconds = 10...10
        configure(&options)
        let time = ManualTime()
        return (try await SimulatorServer.start(options, time: time), time)
    }

    /// A call with a bearer token (none when `token` is nil). `path` is everything after the authority.
    func call(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, token: String? = "sk-test") async throws -> Answer {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if body != nil { fields[.contentType] = "application/json" }
        let head = HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: fields)
        let reply = try await transport.send(TransportRequest(head, body: body, maxResponseBytes: 8 << 20), readTimeout: .seconds(10))
        return Answer(status: reply.status.code, contentType: reply.firstValue(.contentType), body: reply.body)
    }

    /// A GET with a bearer token (none when `token` is nil).
    func get(_ path: String, token: String? = "sk-test") async throws -> Answer {
        try await call(.get, path, token: token)
    }

    /// GET of a URL the simulator handed out (`http://127.0.0.1:PORT/...`).
    func download(_ url: String) async throws -> Answer {
        let prefix = simulator.baseURL
        try #require(url.hasPrefix(prefix), "\(url)")
        return try await call(.get, String(url.dropFirst(prefix.count)), token: nil)
    }

    /// Submits `body` to `model`.
    func submit(_ model: String, _ body: String) async throws -> Answer {
        try await call(.post, "/v1/models/" + model, body: Array(body.utf8))
    }

    /// Submits a body that must be accepted, lets it render, and returns its result.
    func render(_ model: String, _ body: String) async throws -> JSONValue {
        let submitted = try await submit(model, body)
        try #require(submitted.status == 200, "\(String(decoding: submitted.body, as: UTF8.self))")
        let id = try #require(submitted.json["request_id"]?.string)
        time.advance(bySeconds: 100)
        let result = try await call(.get, "/v1/requests/\(id)/result")
        try #require(result.json["status"]?.string == "completed", "\(result.json.compact)")
        return result.json
    }

    /// The counters.
    func stats() async -> JSONValue {
        (try? JSONValue.parse(await simulator.statsJSON())) ?? .null
    }
}
