import AsyncHTTPClient
import HTTPTypes
import NIOHTTP1

/// Between swift-http-types, which the transport protocol speaks, and AsyncHTTPClient's NIO types.
extension HTTPClient.Request {
    /// AsyncHTTPClient's request for a transport request: its URL, method, header fields in order, and body.
    /// Throws what AsyncHTTPClient throws for a URL it cannot use, or `TransportFailure.notSent` for a head
    /// without a scheme or an authority.
    init(_ request: TransportRequest) throws {
        guard let url = request.url else { throw TransportFailure.notSent("the request has no scheme or host") }
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.head.headerFields.count)
        for field in request.head.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        try self.init(url: url, method: HTTPMethod(rawValue: request.head.method.rawValue), headers: headers, body: request.body.map { .bytes($0) })
    }
}

extension HTTPResponse {
    /// The response for NIO's head, or nil when its status code is outside 0...999 (which `HTTPResponse.Status`
    /// cannot hold). A field whose name is not a valid token is left out.
    init?(_ head: HTTPResponseHead) {
        let code = Int(head.status.code)
        guard (0...999).contains(code) else { return nil }
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        for (name, value) in head.headers {
            guard let name = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: name, value: value))
        }
        self.init(status: .init(code: code, reasonPhrase: head.status.reasonPhrase), headerFields: fields)
    }
}
