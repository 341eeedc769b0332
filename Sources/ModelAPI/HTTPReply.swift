public import HTTPTypes

/// A response: its head (status and header fields, looked up by `HTTPField.Name`, case-insensitive) and its body.
public struct HTTPReply: Sendable, Equatable {
    /// The status and header fields.
    public var response: HTTPResponse
    /// The body (empty for a streamed download, whose body went elsewhere).
    public var body: [UInt8]

    /// Creates a reply.
    public init(_ response: HTTPResponse, body: [UInt8] = []) {
        self.response = response
        self.body = body
    }

    /// Creates a reply from a status, header fields and a body.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: [UInt8] = []) {
        self.init(HTTPResponse(status: status, headerFields: headerFields), body: body)
    }

    /// The status.
    public var status: HTTPResponse.Status { response.status }

    /// The first value of a header field (`HTTPFields`' own subscript joins repeated fields with commas).
    public func firstValue(_ name: HTTPField.Name) -> String? {
        response.headerFields[values: name].first
    }
}
