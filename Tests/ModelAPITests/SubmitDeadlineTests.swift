import Foundation
import ModelAPI
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The submit's deadline (issue 13, defect 6): a large body uploads at a slow link's pace as long as bytes move,
/// and the read timeout runs from the end of the upload; a server that takes the body and stays silent is still
/// ambiguous.
@Suite("Submit deadline against a slow-reading server")
struct SubmitDeadlineTests {
    /// A loopback HTTP server of one connection that reads a request `chunk` bytes at a time, one chunk every
    /// `pause`, then answers (or, when `silent`, holds the connection open without a word).
    final class SlowReader: Sendable {
        let port: Int
        private let listener: Int32

        init(chunk: Int, pause: Duration, silent: Bool) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.EIO) }
            // A small receive buffer, so the client's upload waits on our reading.
            var size: Int32 = 16 * 1024
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard bound == 0, listen(fd, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            port = Int(UInt16(bigEndian: address.sin_port))
            listener = fd
            let nanoseconds = pause.components.attoseconds / 1_000_000_000 + pause.components.seconds * 1_000_000_000
            Thread.detachNewThread {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: chunk)
                var expected: Int?
                while expected.map({ received.count < $0 }) ?? true {
                    let count = read(connection, &buffer, chunk)
                    if count <= 0 { break }
                    received += buffer[0..<count]
                    if expected == nil, let end = Self.headerEnd(received) {
                        let head = String(decoding: received[0..<end], as: UTF8.self).lowercased()
                        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                        expected = end + 4 + length
                    }
                    // The slow link: one chunk every `pause`.
                    usleep(useconds_t(nanoseconds / 1_000))
                }
                if silent {
                    // Took the whole body; says nothing until the client gives up.
                    while read(connection, &buffer, chunk) > 0 {}
                } else {
                    let body = #"{"request_id":"req_slow","status_url":"s","result_url":"r","cancel_url":"c"}"#
                    let reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                    _ = reply.withCString { write(connection, $0, strlen($0)) }
                }
                close(connection)
            }
        }

        static func headerEnd(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            return nil
        }

        deinit {
            close(listener)
        }
    }

    private func client(_ server: SlowReader, transport: AsyncHTTPTransport, readTimeout: Duration) -> HTTPModelAPIClient {
        var configuration = HTTPModelAPIClient.Configuration(baseURL: "http://127.0.0.1:\(server.port)")
        configuration.submitReadTimeout = readTimeout
        return HTTPModelAPIClient(configuration: configuration, token: Token("t"), transport: transport)
    }

    @Test("a 24 MiB body read 16 KiB every 2 ms (seconds) goes through with a 0.5 s connect and a 2 s read timeout")
    func slowUploadSucceeds() async throws {
        let server = try SlowReader(chunk: 16 * 1024, pause: .milliseconds(2), silent: false)
        let transport = AsyncHTTPTransport(connectTimeout: .milliseconds(500))
        let body = Array(#"{"prompt":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 24 << 20) + Array(#""}"#.utf8)
        let started = ContinuousClock.now
        let result: Result<Submission, APIError>
        do {
            result = .success(try await client(server, transport: transport, readTimeout: .seconds(2)).submit(modelID: "m/x", body: body))
        } catch {
            result = .failure(error)
        }
        await transport.shutdown()
        let elapsed = ContinuousClock.now - started
        #expect(try result.get().requestID == "req_slow", "after \(elapsed)")
        // The upload took longer than connect + read together: a single deadline would have cut it off.
        #expect(elapsed > .milliseconds(2_500), "the upload was not slow enough to test anything: \(elapsed)")
    }

    @Test("a server that takes the whole body and stays silent past the read timeout leaves the submit ambiguous")
    func silentAfterUploadIsAmbiguous() async throws {
        let server = try SlowReader(chunk: 256 * 1024, pause: .milliseconds(1), silent: true)
        let transport = AsyncHTTPTransport(connectTimeout: .milliseconds(500))
        let body = Array(#"{"prompt":"p"}"#.utf8)
        do {
            _ = try await client(server, transport: transport, readTimeout: .milliseconds(500)).submit(modelID: "m/x", body: body)
            Issue.record("a silent server was taken for an answer")
        } catch {
            #expect(error.kind == .ambiguous, "\(error)")
            #expect(error.code == "transport_timeout", "\(error)")
        }
        await transport.shutdown()
    }
}
