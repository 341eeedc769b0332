import HTTPTypes
import ModelAPI
import NIOConcurrencyHelpers

/// A transport that answers from a script and records what it was asked.
final class StubTransport: HTTPTransport {
    struct Recorded: Sendable {
        let method: HTTPRequest.Method
        let url: String
        let headers: HTTPFields
        let body: [UInt8]?
        let fresh: Bool
    }

    private let replies: NIOLockedValueBox<[Result<HTTPReply, TransportFailure>]>
    private let recorded = NIOLockedValueBox<[Recorded]>([])

    init(_ replies: [Result<HTTPReply, TransportFailure>]) {
        self.replies = NIOLockedValueBox(replies)
    }

    convenience init(status: Int, body: String, headers: HTTPFields = [:]) {
        self.init([.success(HTTPReply(status: .init(code: status), headerFields: headers, body: Array(body.utf8)))])
    }

    var requests: [Recorded] { recorded.withLockedValue { $0 } }

    func send(_ request: TransportRequest, readTimeout: Duration) async throws(TransportFailure) -> HTTPReply {
        recorded.withLockedValue {
            $0.append(Recorded(method: request.head.method, url: request.url ?? "", headers: request.head.headerFields, body: request.body, fresh: request.freshConnection))
        }
        let next = replies.withLockedValue { $0.isEmpty ? .failure(.notSent("no scripted reply")) : $0.removeFirst() }
        return try next.get()
    }

    func stream(_ url: String, readTimeout: Duration, maxBytes: Int, chunk: @escaping @Sendable ([UInt8]) throws -> Void) async throws -> HTTPReply {
        recorded.withLockedValue { $0.append(Recorded(method: .get, url: url, headers: [:], body: nil, fresh: false)) }
        let next = replies.withLockedValue { $0.isEmpty ? .failure(.notSent("no scripted reply")) : $0.removeFirst() }
        let reply = try next.get()
        if reply.status.kind == .successful { try chunk(reply.body) }
        return HTTPReply(reply.response)
    }
}
