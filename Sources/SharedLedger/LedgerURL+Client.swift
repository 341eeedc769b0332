public import Logging
import NIOSSL
public import PostgresNIO

extension LedgerURL {
    /// The client pool's configuration for this URL, `sslmode` as libpq reads it: `disable` no TLS, `prefer` TLS
    /// when the server offers it, `require` TLS without checking the certificate, `verify-full` TLS with the
    /// certificate and host name checked.
    public var clientConfiguration: PostgresClient.Configuration {
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(unchecked)
        case .require: .require(unchecked)
        case .verifyFull: .require(.makeClientConfiguration())
        }
        if let socketDirectory {
            // A Unix socket is on this machine: no TLS over it (libpq does the same).
            return PostgresClient.Configuration(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password, database: database
            )
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// A client pool for this URL; run it (`run()`) for as long as it is used.
    public func client(logger: Logger) -> PostgresClient {
        PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
    }
}

extension LedgerURL {
    /// Runs `body` with a client pool for this URL, let go afterwards; nil when it did not finish within `timeout`
    /// (a database that does not answer is not waited on for ever).
    public func withClient<Value: Sendable>(
        timeout: Duration, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> Value
    ) async throws -> Value? {
        let client = client(logger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        return try await Deadline.answered(within: timeout) { try await body(client) }
    }
}

extension SharedLedgerSchema {
    /// Connects to `url`, brings it to `current` and lets the connection go; returns the version it was at, or nil
    /// when the database did not answer within `timeout`.
    public static func migrate(_ url: LedgerURL, timeout: Duration, logger: Logger) async throws -> Int? {
        try await url.withClient(timeout: timeout, logger: logger) { client in try await migrate(client, logger: logger) }
    }
}
