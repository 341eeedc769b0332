/// Which call an answer belongs to: the same trouble means different things on a submit and on a poll.
public enum CallKind: Sendable, Equatable {
    /// A submit: anything after the body went out is ambiguous (it may have been accepted and billed).
    case submit
    /// A status, result or cancel call: retrying is harmless.
    case poll
    /// Fetching the model's record.
    case modelInfo
    /// Fetching an output file.
    case download
}

/// The pure half of the client: HTTP answers and transport failures to `APIError`s. No I/O, so every rule is
/// tested directly (`ErrorClassifierTests`).
///
/// | answer | submit | poll | download |
/// |---|---|---|---|
/// | nothing written | notSent | notSent | notSent |
/// | 429, 503, 408 | throttled | throttled | throttled |
/// | 401, 403, `400004`, `403001` | fatal | fatal | transient |
/// | `400002`, 402 | fatal | fatal | transient |
/// | `400001` | fatal | transient | transient |
/// | 404, `404001` | fatal | expired | transient |
/// | 400, 422 | rejected | transient | transient |
/// | other 5xx, timeout or drop after sending, a 2xx without what it should carry | ambiguous | transient | transient |
/// | a 2xx carrying `error_code` | by the code, as above | by the code | by the code |
public enum ErrorClassifier {
    /// The error for a transport failure.
    public static func classify(_ failure: TransportFailure, call: CallKind) -> APIError {
        switch failure {
        case .notSent(let reason):
            return APIError(.notSent, code: "transport_not_sent", message: "the request could not be sent: \(reason)")
        case .noAnswer(let reason, let timedOut):
            return APIError(
                afterSend(call),
                code: timedOut ? "transport_timeout" : "transport_dropped",
                message: (timedOut ? "no answer in time" : "the connection dropped before an answer") + ": \(reason)"
            )
        case .tooLarge(let limit):
            // A video past the cap would pass it again: no retry.
            return APIError(call == .download ? .rejected : afterSend(call), code: "response_too_large", message: "the response passed \(limit) bytes")
        case .redirectRefused(let reason):
            return APIError(.rejected, code: "redirect_refused", message: reason)
        }
    }

    /// The error for an HTTP answer that is not a success (a non-2xx status, or a 2xx carrying `error_code`).
    public static func classify(status: Int, body: ErrorBody, retryAfter: Duration?, call: CallKind) -> APIError {
        let code = body.errorCode.map { "api_\($0)" } ?? "http_\(status)"
        // The reasons of a refusal are what the user needs: "validation error" alone says nothing.
        var message = body.message ?? "HTTP \(status)"
        if let reasons = body.reasons, !message.contains(reasons) { message += ": \(reasons)" }
        func error(_ kind: APIError.Kind) -> APIError {
            APIError(kind, code: code, httpStatus: status, apiCode: body.errorCode, message: message, detail: body.detail, retryAfter: retryAfter)
        }
        if call == .download {
            return [429, 503, 408].contains(status) ? error(.throttled) : error(.transient)
        }
        if [429, 503, 408].contains(status) { return error(.throttled) }
        switch body.errorCode {
        case 400004, 403001, 401001, 403003, 400002: return error(.fatal)
        case 400001: return error(call == .poll ? .transient : .fatal)
        case 404001: return error(call == .poll ? .expired : .fatal)
        case 422001: return error(call == .submit ? .rejected : .transient)
        case .some: if (200..<300).contains(status) || status >= 500 { return error(afterSend(call)) }
        case nil: break
        }
        switch status {
        case 401, 403, 402: return error(.fatal)
        case 404: return error(call == .poll ? .expired : .fatal)
        case 400, 422: return error(call == .submit ? .rejected : .transient)
        default: return error(afterSend(call))
        }
    }

    /// What trouble after the request went out means for a call.
    static func afterSend(_ call: CallKind) -> APIError.Kind {
        call == .submit ? .ambiguous : .transient
    }

    /// `Retry-After`: seconds (an HTTP date is read as "a while": 30 s).
    public static func retryAfter(_ value: String?) -> Duration? {
        guard let value = value?.trimmingSpaces, !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(min(seconds, 3_600)) }
        return .seconds(30)
    }
}

/// What an error body says: RunComfy's `error_code`, a message (`error_message`, `message`, `error`, `detail`),
/// and a validation `detail`.
public struct ErrorBody: Sendable, Equatable {
    public var errorCode: Int?
    public var message: String?
    public var detail: String?
    /// The `detail` in words (each refused field's path and message), bounded in length.
    public var reasons: String?

    public init(errorCode: Int? = nil, message: String? = nil, detail: String? = nil, reasons: String? = nil) {
        self.errorCode = errorCode
        self.message = message
        self.detail = detail
        self.reasons = reasons
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
