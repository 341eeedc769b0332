import Foundation
import HTTPTypes

extension HTTPModelAPIClient.Configuration {
    /// The request for `path` under the base URL: the base's scheme and authority, and its path (if any) before
    /// `path`. A base URL without `scheme://` gives a head with neither, which a transport refuses as not sent.
    func request(_ method: HTTPRequest.Method, _ path: String, _ headerFields: HTTPFields) -> HTTPRequest {
        guard let separator = baseURL.range(of: "://") else {
            return HTTPRequest(method: method, scheme: nil, authority: nil, path: baseURL + path, headerFields: headerFields)
        }
        let rest = baseURL[separator.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        return HTTPRequest(
            method: method,
            scheme: String(baseURL[..<separator.lowerBound]),
            authority: String(rest[..<slash]),
            path: String(rest[slash...]) + path,
            headerFields: headerFields
        )
    }
}
