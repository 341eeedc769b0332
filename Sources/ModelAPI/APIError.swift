/// A failed API call, classified for what the scheduler may do next.
///
/// Each error has a bounded `code` for ledgers and reports (`http_429`, `api_400002`, `transport_connect`, ...)
/// and a `kind` the scheduler acts on. The token never appears in any field.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the scheduler may do about an error.
    public enum Kind: String, Sendable, Equatable {
        /// No byte of the request was written: sending it again cannot duplicate anything.
        case notSent = "not_sent"
        /// 429, 503 or 408: try again later, after `retryAfter` when given. The request did not start.
        case throttled
        /// 400 or 422: the service refused the input; sending it again would fail again.
        case rejected
        /// On a submit: the request may or may not have started (a timeout or a dropped connection after the body
        /// went out, another 5xx, a 2xx without a usable request id). Never resend without being told to.
        case ambiguous
        /// On a poll or a download: the same kinds of trouble, harmless to retry.
        case transient
        /// 404 / 404001 on a poll: the request id is unknown, deleted or expired.
        case expired
        /// The batch cannot go on: the token is refused (401, 403, 400004), no balance (400002, 402), or on a submit
        /// the model or base URL is wrong (400001, 404).
        case fatal
        /// Writing on this machine failed (a full disk, a read-only or vanished folder): trying again cannot help
        /// until someone frees space or fixes the folder. Stop submitting; what is in flight is left to finish.
        case localIO = "local_io"
    }

    /// What the scheduler may do.
    public var kind: Kind
    /// A bounded code, the same for every instance of a cause.
    public var code: String
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The service's numeric `error_code`, when it gave one.
    public var apiCode: Int?
    /// What happened, in words (the server's message where it gave one).
    public var message: String
    /// The server's `detail` (validation errors), as JSON text, when it gave one.
    public var detail: String?
    /// How long the server asked us to wait (`Retry-After`).
    public var retryAfter: Duration?

    /// Creates an error.
    public init(
        _ kind: Kind,
        code: String,
        httpStatus: Int? = nil,
        apiCode: Int? = nil,
        message: String,
        detail: String? = nil,
        retryAfter: Duration? = nil
    ) {
        self.kind = kind
        self.code = code
        self.httpStatus = httpStatus
        self.apiCode = apiCode
        self.message = message
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String {
        var text = "\(kind.rawValue) [\(code)]: \(message)"
        if let detail { text += " \(detail)" }
        return text
    }
}
