import AsyncHTTPClient
import Foundation
@testable import ModelAPI
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Timeouts are told by the error's type, never its text: after the request head went out, AsyncHTTPClient's
/// idle read, idle write and deadline errors (and the kernel's `ETIMEDOUT`) are timeouts; before it, nothing
/// is, since nothing was sent.
@Suite("Timeouts by error type")
struct TimeoutClassificationTests {
    /// An error that only says it is a timeout.
    struct SaysTimeout: Error, CustomStringConvertible {
        var description: String { "timeout: deadline exceeded" }
    }

    @Test("AsyncHTTPClient's and NIO's timeouts are timeouts; other errors are not, whatever their text")
    func byType() {
        let timeouts: [any Error] = [
            HTTPClientError.readTimeout, HTTPClientError.writeTimeout, HTTPClientError.deadlineExceeded,
            HTTPClientError.connectTimeout, HTTPClientError.tlsHandshakeTimeout, HTTPClientError.getConnectionFromPoolTimeout,
            ChannelError.connectTimeout(.seconds(1)), IOError(errnoCode: ETIMEDOUT, reason: "read"),
        ]
        for error in timeouts { #expect(TransportFailure.isTimeout(error), "\(error)") }
        let others: [any Error] = [
            HTTPClientError.remoteConnectionClosed, HTTPClientError.cancelled, ChannelError.ioOnClosedChannel,
            IOError(errnoCode: ECONNRESET, reason: "read"), SaysTimeout(),
        ]
        for error in others { #expect(!TransportFailure.isTimeout(error), "\(error)") }
    }

    @Test("a timeout after the head went out is a timed-out no-answer; before it, not sent")
    func afterTheHead() {
        #expect(TransportFailure(HTTPClientError.readTimeout, headSent: true) == .noAnswer("HTTPClientError.readTimeout", timedOut: true))
        #expect(TransportFailure(HTTPClientError.deadlineExceeded, headSent: true) == .noAnswer("HTTPClientError.deadlineExceeded", timedOut: true))
        #expect(TransportFailure(HTTPClientError.remoteConnectionClosed, headSent: true) == .noAnswer("HTTPClientError.remoteConnectionClosed", timedOut: false))
        #expect(TransportFailure(SaysTimeout(), headSent: true) == .noAnswer("timeout: deadline exceeded", timedOut: false))
        #expect(TransportFailure(HTTPClientError.connectTimeout, headSent: false) == .notSent("HTTPClientError.connectTimeout"))
    }

    @Test("a poll and a download to a server that takes the request and never answers time out (the deadline) and stay transient")
    func silentServerOnPooledCalls() async throws {
        let transport = AsyncHTTPTransport(connectTimeout: .milliseconds(500))
        let poll = try SubmitDeadlineTests.SlowReader(chunk: 64 * 1024, pause: .milliseconds(1), silent: true)
        var configuration = HTTPModelAPIClient.Configuration(baseURL: "http://127.0.0.1:\(poll.port)")
        configuration.pollReadTimeout = .milliseconds(300)
        configuration.downloadReadTimeout = .milliseconds(100)
        let client = HTTPModelAPIClient(configuration: configuration, token: Token("t"), transport: transport)
        do {
            _ = try await client.status(requestID: "req_silent")
            Issue.record("a silent server was taken for an answer")
        } catch {
            #expect(error.kind == .transient && error.code == "transport_timeout", "\(error)")
        }
        let download = try SubmitDeadlineTests.SlowReader(chunk: 64 * 1024, pause: .milliseconds(1), silent: true)
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-silent-\(UUID().uuidString)").path
        do {
            _ = try await client.download(from: "http://127.0.0.1:\(download.port)/v.mp4", toBase: target, maxBytes: 1 << 20)
            Issue.record("a silent server was taken for an answer")
        } catch {
            #expect(error.kind == .transient && error.code == "transport_timeout", "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        await transport.shutdown()
    }
}
