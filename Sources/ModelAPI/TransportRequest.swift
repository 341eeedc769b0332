public import HTTPTypes

/// One request as a transport sends it: its head as `HTTPRequest` (method, scheme, authority, path, header
/// fields), its body, and how to send it.
public struct TransportRequest: Sendable {
    /// Method, URL (scheme, authority, path) and header fields, in order.
    public var head: HTTPRequest
    /// The body, if any.
    public var body: [UInt8]?
    /// Send on a new connection, never one from the pool (submits: a stale pooled connection could turn a clean
    /// failure into an ambiguous one).
    public var freshConnection: Bool
    /// The longest response body accepted.
    public var maxResponseBytes: Int

    /// Creates a request.
    public init(_ head: HTTPRequest, body: [UInt8]? = nil, freshConnection: Bool = false, maxResponseBytes: Int = 1 << 20) {
        self.head = head
        self.body = body
        self.freshConnection = freshConnection
        self.maxResponseBytes = maxResponseBytes
    }

    /// The absolute URL (`scheme://authority/path`), or nil when the head lacks a scheme or an authority.
    public var url: String? {
        guard let scheme = head.scheme, let authority = head.authority else { return nil }
        return "\(scheme)://\(authority)\(head.path ?? "")"
    }
}
