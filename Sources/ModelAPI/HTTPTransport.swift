/// One HTTP request, transport-neutral.
public struct HTTPRequestSpec: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields, in order.
    public var headers: [(String, String)]
    /// The body, if any.
    public var body: [UInt8]?
    /// Send on a new connection, never one from the pool (submits: a stale pooled connection could turn a clean
    /// failure into an ambiguous one).
    public var freshConnection: Bool
    /// The longest response body accepted.
    public var maxResponseBytes: Int

    /// Creates a request.
    public init(method: String, url: String, headers: [(String, String)], body: [UInt8]? = nil, freshConnection: Bool = false, maxResponseBytes: Int = 1 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.freshConnection = freshConnection
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A response: status, headers, body.
public struct HTTPReply: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields (names as sent).
    public var headers: [HTTPHeaderField]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HTTPHeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One header field.
public struct HTTPHeaderField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Why no response arrived. What matters is whether any byte of the request went out.
public enum TransportFailure: Error, Sendable, Equatable {
    /// Nothing was written: the connection could not be made (refused, unreachable, connect timeout).
    case notSent(String)
    /// The request (or part of it) went out and no complete response came back: a read timeout, a dropped
    /// connection, a malformed response.
    case noAnswer(String, timedOut: Bool)
    /// The response body passed the size cap.
    case tooLarge(Int)
    /// A download's redirect went somewhere `DownloadURLPolicy` forbids (another scheme, a plain-http host
    /// elsewhere) or there were too many of them; nothing was fetched from there.
    case redirectRefused(String)
}

/// Sends HTTP requests; the client's one dependency on the network, so tests can replace it.
public protocol HTTPTransport: Sendable {
    /// Sends a request and collects the whole response (up to its cap).
    func send(_ request: HTTPRequestSpec, readTimeout: Duration) async throws(TransportFailure) -> HTTPReply

    /// Streams a GET's body (no credentials sent), at most `maxBytes`, calling `chunk` with each part in order.
    /// Returns the status and headers; the body went to `chunk` (a non-2xx status's body is not streamed).
    /// Throws `TransportFailure` for the network, or what `chunk` threw.
    func stream(
        _ url: String,
        readTimeout: Duration,
        maxBytes: Int,
        chunk: @escaping @Sendable ([UInt8]) throws -> Void
    ) async throws -> HTTPReply
}
