import AsyncHTTPClient
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TransportFailure {
    /// What an error of AsyncHTTPClient or NIO means for an exchange: `notSent` while the request head had not
    /// gone out; after it, `noAnswer`, timed out when the error is a timeout by type (`isTimeout`).
    init(_ error: any Error, headSent: Bool) {
        let reason = String(describing: error)
        self = headSent ? .noAnswer(reason, timedOut: Self.isTimeout(error)) : .notSent(reason)
    }

    /// Whether an error is a timeout, by its type, never its text. After the head went out AsyncHTTPClient
    /// reports an idle read (`readTimeout`), an idle write (`writeTimeout`) or the request's deadline
    /// (`deadlineExceeded`); the connect-side ones (connect, TLS, proxy handshakes, waiting for a pooled
    /// connection) come before any byte; the kernel's own (`ETIMEDOUT`) arrives as NIO's `IOError`.
    static func isTimeout(_ error: any Error) -> Bool {
        switch error {
        case let error as HTTPClientError:
            return Self.clientTimeouts.contains(error)
        case ChannelError.connectTimeout:
            return true
        case let error as IOError:
            return error.errnoCode == ETIMEDOUT
        default:
            return false
        }
    }

    /// AsyncHTTPClient's timeouts.
    private static let clientTimeouts: [HTTPClientError] = [
        .readTimeout, .writeTimeout, .deadlineExceeded, .connectTimeout, .tlsHandshakeTimeout,
        .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout,
    ]
}
