import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

/// `HTTPTransport` on AsyncHTTPClient. Two clients: one whose connections are pooled (polls, downloads), and one
/// for submits that never reuses a connection (every submit says `Connection: close`, so none ever goes back to
/// its pool). A delegate notes whether the request head was written, which is what tells a request that
/// certainly did not start from one that may have.
public final class AsyncHTTPTransport: HTTPTransport {
    /// A client's kind: pooled, or fresh with its read timeout; and the proxy it goes through.
    private struct ClientKey: Hashable {
        var freshReadTimeout: Duration?
        var proxy: ProxySettings.Proxy?
    }

    /// Clients made so far: the pooled one and, for submits, one per read timeout asked for (AsyncHTTPClient sets
    /// its idle timeouts per client); each of them per proxy (AsyncHTTPClient sets the proxy per client).
    private let clients = Mutex<[ClientKey: HTTPClient]>([:])
    private let pooledConfiguration: HTTPClient.Configuration
    private let freshConfiguration: HTTPClient.Configuration
    private let connectTimeout: Duration
    /// The proxies calls and downloads go through (the environment's, as curl reads it).
    public let proxies: ProxySettings

    /// Creates the transport; call `shutdown()` before it goes away.
    ///
    /// A submit (a fresh connection) has no deadline of its own: its upload is bounded by progress (no byte written
    /// for `connectTimeout` fails it), and its read timeout runs from the end of the upload, so a large data-URI
    /// body goes at a slow link's pace while a server that takes it and stays silent still times out.
    public init(connectTimeout: Duration = .seconds(10), proxies: ProxySettings = ProxySettings.from().settings) {
        self.connectTimeout = connectTimeout
        self.proxies = proxies
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: connectTimeout.timeAmount)
        // Redirects are followed by hand (downloads only), each checked against DownloadURLPolicy: AsyncHTTPClient
        // would follow https to plain http.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // HTTP/1 only: under HTTP/2 every submit would share one long-lived connection, and `Connection: close`
        // would mean nothing. Enough connections that submits do not queue behind each other.
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        pooledConfiguration = configuration
        var freshConfiguration = configuration
        freshConfiguration.redirectConfiguration = .disallow
        freshConfiguration.connectionPool = .init(idleTimeout: .milliseconds(1), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        self.freshConfiguration = freshConfiguration
    }

    /// Closes both clients' connections.
    public func shutdown() async {
        let made = clients.withLock { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in made { try? await client.shutdown() }
    }

    public func send(_ spec: TransportRequest, readTimeout: Duration) async throws(TransportFailure) -> HTTPReply {
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(spec)
        } catch let failure as TransportFailure {
            throw failure
        } catch {
            throw .notSent("invalid request: \(error)")
        }
        let delegate = CollectingDelegate(maxBytes: spec.maxResponseBytes)
        let proxy = spec.url.flatMap(proxies.proxy(for:))
        let client = spec.freshConnection ? client(ClientKey(freshReadTimeout: readTimeout, proxy: proxy)) : client(ClientKey(proxy: proxy))
        // Pooled calls are small: one deadline. A fresh one (a submit) is bounded by its idle timeouts, and by a
        // ceiling that only a stalled trickle reaches: its body at 16 KiB/s, plus connect and read, twice over.
        let upload = Duration.seconds((spec.body?.count ?? 0) / 16_384 + 1)
        let ceiling = NIODeadline.now() + ((connectTimeout + readTimeout + upload) * 2).timeAmount
        let deadline = spec.freshConnection ? ceiling : NIODeadline.now() + (connectTimeout + readTimeout).timeAmount
        let task = client.execute(request: request, delegate: delegate, deadline: deadline)
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            throw delegate.failure(for: error)
        }
    }

    public func stream(
        _ url: String,
        readTimeout: Duration,
        maxBytes: Int,
        chunk: @escaping @Sendable ([UInt8]) throws -> Void
    ) async throws -> HTTPReply {
        var current = url
        for hop in 0...Self.maxRedirects {
            let reply = try await streamOnce(current, readTimeout: readTimeout, maxBytes: maxBytes, chunk: chunk)
            guard reply.status.kind == .redirection, let location = reply.firstValue(.location) else { return reply }
            guard hop < Self.maxRedirects else { throw TransportFailure.redirectRefused("more than \(Self.maxRedirects) redirects") }
            guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString,
                  DownloadURLPolicy.allowsRedirect(from: current, to: next) else {
                throw TransportFailure.redirectRefused(
                    "a redirect from \(DownloadURLPolicy.redacted(current)) to \(DownloadURLPolicy.redacted(location)) was refused (only https, or loopback http, keeping the scheme)"
                )
            }
            current = next
        }
        throw TransportFailure.redirectRefused("more than \(Self.maxRedirects) redirects")
    }

    /// The client of a kind, made the first time it is asked for: a submit client's read timeout (from the end of
    /// the upload) is its own, its idle write timeout the connect timeout.
    private func client(_ key: ClientKey) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[key] { return client }
            var configuration = pooledConfiguration
            if let readTimeout = key.freshReadTimeout {
                configuration = freshConfiguration
                configuration.timeout = .init(connect: connectTimeout.timeAmount, read: readTimeout.timeAmount, write: connectTimeout.timeAmount)
            }
            configuration.proxy = key.proxy.map(Self.configuration(of:))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }

    private static func configuration(of proxy: ProxySettings.Proxy) -> HTTPClient.Configuration.Proxy {
        switch proxy.kind {
        case .socks5:
            return .socksServer(host: proxy.host, port: proxy.port)
        case .http:
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            return .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
    }

    /// How many redirects a download follows.
    static let maxRedirects = 5

    private func streamOnce(
        _ url: String,
        readTimeout: Duration,
        maxBytes: Int,
        chunk: @escaping @Sendable ([UInt8]) throws -> Void
    ) async throws -> HTTPReply {
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: .GET, headers: ["User-Agent": "shotrunner"])
        } catch {
            throw TransportFailure.notSent("invalid URL: \(error)")
        }
        let delegate = CollectingDelegate(maxBytes: maxBytes, chunk: chunk)
        let deadline = NIODeadline.now() + (connectTimeout + readTimeout * 10).timeAmount
        let task = client(ClientKey(proxy: proxies.proxy(for: url))).execute(request: request, delegate: delegate, deadline: deadline)
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            if let local = delegate.chunkError { throw local }
            throw delegate.failure(for: error)
        }
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
