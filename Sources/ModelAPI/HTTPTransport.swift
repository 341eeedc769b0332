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
    func send(_ request: TransportRequest, readTimeout: Duration) async throws(TransportFailure) -> HTTPReply

    /// Streams a GET's body (no credentials sent), at most `maxBytes`, calling `chunk` with each part in order.
    /// Returns the response head with an empty body; the body went to `chunk` (a non-2xx status's body is not
    /// streamed). Throws `TransportFailure` for the network, or what `chunk` threw.
    func stream(
        _ url: String,
        readTimeout: Duration,
        maxBytes: Int,
        chunk: @escaping @Sendable ([UInt8]) throws -> Void
    ) async throws -> HTTPReply
}
