import Hummingbird
public import Logging
import HTTPTypes
import JSON
import NIOCore

/// The request context: Hummingbird's, plus the connection, so a fault can close it without answering.
struct SimulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Submits may carry two 6 MiB images as data URIs: accept bodies up to 64 MiB, as the service does.
    var maxUploadSize: Int { 64 << 20 }
}

/// A running simulator: its address, its counters, and a way to stop it.
public final class RunningSimulator: Sendable {
    /// `http://HOST:PORT`.
    public let baseURL: String
    /// The bound port.
    public let port: Int
    let state: SimulatorState
    private let task: Task<Void, any Error>

    init(baseURL: String, port: Int, state: SimulatorState, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.port = port
        self.state = state
        self.task = task
    }

    /// The counters, as `GET /_sim/stats` shows them (JSON text).
    public func statsJSON() async -> String {
        await state.stats().compact
    }

    /// Stops serving and waits until the server has closed.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Waits until the server stops (for `shotrunner simulate`, which runs until interrupted).
    public func wait() async throws {
        try await task.value
    }
}

/// Serves a simulation of the RunComfy Model API on loopback.
public enum SimulatorServer {
    /// Starts a simulator and returns once it listens. Its jobs progress with real time scaled by
    /// `options.clockScale`, or with `time` when given (tests advance it by hand).
    public static func start(
        _ options: SimulatorOptions,
        time: ManualTime? = nil,
        logger: Logger = Logger(label: "shotrunner.simulator")
    ) async throws -> RunningSimulator {
        let elapsed: @Sendable () -> Double
        if let time {
            elapsed = { time.seconds }
        } else {
            let clock = ContinuousClock()
            let origin = clock.now
            elapsed = {
                let interval = clock.now - origin
                return Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            }
        }
        let state = SimulatorState(options: options, elapsed: elapsed)
        let router = Router(context: SimulatorContext.self)
        routes(router, state: state)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        var quiet = logger
        quiet.logLevel = .critical  // shutting down by cancellation logs errors that mean nothing here
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "shotrunner-simulator"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: quiet
        )
        let task = Task {
            try await app.runService(gracefulShutdownSignals: [])
        }
        var port = 0
        for await bound in portStream {
            port = bound
        }
        guard port > 0 else {
            task.cancel()
            _ = try? await task.value
            throw SimulatorError.couldNotListen(host: options.host, port: options.port)
        }
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        let baseURL = "http://\(host):\(port)"
        await state.setBaseURL(baseURL)
        return RunningSimulator(baseURL: baseURL, port: port, state: state, task: task)
    }

    private static func routes(_ router: Router<SimulatorContext>, state: SimulatorState) {
        router.post("/v1/models/**") { request, context in
            try await serve(request, context, state, "submit", authenticated: true) { body in
                await state.submit(modelID: modelPath(context), body: body)
            }
        }
        router.get("/v1/models") { request, context in
            let cursor = request.uri.queryParameters["cursor"].map(String.init)
            let includeSchema = request.uri.queryParameters["include_schema"] == "true"
            return try await serve(request, context, state, "models", authenticated: true) { _ in
                await state.models(cursor: cursor, includeSchema: includeSchema)
            }
        }
        router.get("/v1/models/**") { request, context in
            try await serve(request, context, state, "model", authenticated: true) { _ in
                await state.modelInfo(modelPath(context))
            }
        }
        router.get("/v1/requests/:id/status") { request, context in
            try await serve(request, context, state, "status", authenticated: true) { _ in
                await state.status(context.parameters.get("id") ?? "")
            }
        }
        router.get("/v1/requests/:id/result") { request, context in
            try await serve(request, context, state, "result", authenticated: true) { _ in
                await state.result(context.parameters.get("id") ?? "")
            }
        }
        router.post("/v1/requests/:id/cancel") { request, context in
            try await serve(request, context, state, "cancel", authenticated: true) { _ in
                await state.cancel(context.parameters.get("id") ?? "")
            }
        }
        router.get("/files/:name") { request, context in
            let expires = request.uri.queryParameters["expires"].flatMap { Double(String($0)) }
            return try await serve(request, context, state, "files", authenticated: false) { _ in
                await state.file(context.parameters.get("name") ?? "", expires: expires)
            }
        }
        router.get("/_sim/stats") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: await state.stats().compact))
            )
        }
    }

    private static func modelPath(_ context: SimulatorContext) -> String {
        context.parameters.getCatchAll().joined(separator: "/")
    }

    /// Counts the call, checks the token, runs the endpoint, and delivers its reply as the fault says: now,
    /// late, or not at all (the connection closed).
    private static func serve(
        _ request: Request,
        _ context: SimulatorContext,
        _ state: SimulatorState,
        _ endpoint: String,
        authenticated: Bool,
        _ handle: @Sendable ([UInt8]) async -> SimulatedReply
    ) async throws -> Response {
        await state.began(endpoint)
        let reply: SimulatedReply
        if authenticated, await !state.authorized(request.headers[.authorization]) {
            reply = .error(401, code: 401001, "missing or invalid API token")
        } else {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            reply = await handle(Array(buffer.readableBytesView))
        }
        switch reply.delivery {
        case .now:
            break
        case .after(let seconds):
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1_000)))
        case .drop:
            await state.ended()
            try? await context.channel.close()
            throw HTTPError(.internalServerError)
        }
        await state.ended()
        var headers = HTTPFields()
        headers[.contentType] = reply.contentType
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }
}

/// Why the simulator could not start.
public enum SimulatorError: Error, CustomStringConvertible {
    case couldNotListen(host: String, port: Int)

    public var description: String {
        switch self {
        case .couldNotListen(let host, let port): "the simulator could not listen on \(host):\(port)"
        }
    }
}
