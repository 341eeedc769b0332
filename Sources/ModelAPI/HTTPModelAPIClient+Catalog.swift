import Foundation
import HTTPTypes
public import JSON

extension HTTPModelAPIClient {
    /// One page of the catalogue, as JSON: `GET /v1/models?include_schema=true`, with `cursor` for a later page, or
    /// a `next` URL the previous page gave (only on the API's own host: the token goes nowhere else).
    public func catalogPage(cursor: String? = nil, nextURL: String? = nil) async throws(APIError) -> JSONValue {
        var path = "/v1/models?include_schema=true"
        if let cursor { path += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
        if let nextURL {
            if nextURL.hasPrefix("/") {
                path = nextURL
            } else if !nextURL.contains("://") {
                path = "/v1/" + nextURL  // relative to the list's own path, /v1/models
            } else if nextURL.hasPrefix(configuration.baseURL + "/") {
                path = String(nextURL.dropFirst(configuration.baseURL.count))
            } else {
                throw APIError(.rejected, code: "foreign_next_url", message: "the catalogue's next page is on another host (\(DownloadURLPolicy.redacted(nextURL))); the token is not sent there")
            }
        }
        let request = TransportRequest(configuration.request(.get, path, [.authorization: "Bearer " + token.value, .accept: "application/json", .userAgent: "shotrunner"]))
        let reply: HTTPReply
        do {
            reply = try await transport.send(request, readTimeout: configuration.pollReadTimeout)
        } catch {
            throw ErrorClassifier.classify(error, call: .modelInfo)
        }
        guard reply.status.kind == .successful else {
            let object = ResponseParser.object(reply.body)
            throw ErrorClassifier.classify(
                status: reply.status.code, body: ResponseParser.errorBody(object), retryAfter: ErrorClassifier.retryAfter(reply.firstValue(.retryAfter)), call: .modelInfo
            )
        }
        do {
            return try JSONValue.parse(reply.body)
        } catch {
            throw APIError(.transient, code: "bad_response", httpStatus: reply.status.code, message: "the catalogue page is not JSON")
        }
    }
}
