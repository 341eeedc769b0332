import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects (or streams) a response and remembers whether the request head went out: the one fact that tells a
/// request that certainly did not start (no byte written, safe to send again) from one that may have.
final class CollectingDelegate: HTTPClientResponseDelegate, Sendable {
    typealias Response = HTTPReply

    private struct State {
        var headSent = false
        var response: HTTPResponse?
        var body: [UInt8] = []
        var received = 0
        var chunkError: (any Error)?
        var tooLarge = false
    }

    private let state = Mutex(State())
    private let maxBytes: Int
    private let chunk: (@Sendable ([UInt8]) throws -> Void)?

    init(maxBytes: Int, chunk: (@Sendable ([UInt8]) throws -> Void)? = nil) {
        self.maxBytes = maxBytes
        self.chunk = chunk
    }

    /// What `chunk` threw, if it did.
    var chunkError: (any Error)? { state.withLock { $0.chunkError } }

    func didSendRequestHead(task: HTTPClient.Task<HTTPReply>, _ head: HTTPRequestHead) {
        state.withLock { $0.headSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<HTTPReply>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard let response = HTTPResponse(head) else {
            return task.eventLoop.makeFailedFuture(TransportFailure.noAnswer("a status code out of range: \(head.status.code)", timedOut: false))
        }
        state.withLock { $0.response = response }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<HTTPReply>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let bytes = Array(buffer.readableBytesView)
        let failure: (any Error)? = state.withLock { state in
            state.received += bytes.count
            if state.received > maxBytes {
                state.tooLarge = true
                return TransportFailure.tooLarge(maxBytes)
            }
            if let chunk, state.response?.status.kind == .successful {
                do {
                    try chunk(bytes)
                } catch {
                    state.chunkError = error
                    return error
                }
            } else {
                state.body += bytes
            }
            return nil
        }
        if let failure { return task.eventLoop.makeFailedFuture(failure) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<HTTPReply>) throws -> HTTPReply {
        let (response, body) = state.withLock { ($0.response, $0.body) }
        // AsyncHTTPClient finishes only after a head; without one the answer is incomplete.
        guard let response else { throw TransportFailure.noAnswer("the exchange ended without a response head", timedOut: false) }
        return HTTPReply(response, body: body)
    }

    /// What a failed exchange means: nothing sent, or sent without a (complete) answer.
    func failure(for error: any Error) -> TransportFailure {
        if let failure = error as? TransportFailure { return failure }
        let (sent, tooLarge) = state.withLock { ($0.headSent, $0.tooLarge) }
        if tooLarge { return .tooLarge(maxBytes) }
        return TransportFailure(error, headSent: sent)
    }
}
