/// Where a shared ledger lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require|verify-full]`
/// (`--ledger`, or `SHOTRUNNER_LEDGER_URL`); `host=/socket/dir` among the options connects through the server's
/// Unix socket in that folder (`.s.PGSQL.PORT`) instead, as libpq reads it (the host may then be left empty). A password missing from the URL is read from `PGPASSWORD`, as libpq
/// does. The password is never printed: `description` leaves it out.
public struct LedgerURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is secured (libpq's `sslmode` values that mean something here).
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// `host=/socket/dir`: the folder of the server's Unix socket.
    public var socketDirectory: String?

    /// Why a URL cannot be used, in words for the user.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Reads a URL; `environment` gives `PGPASSWORD` when the URL has no password.
    public init(_ text: String, environment: [String: String] = [:]) throws(Invalid) {
        let scheme = ["postgres://", "postgresql://"].first { text.hasPrefix($0) }
        guard let scheme else {
            throw Invalid(description: "a ledger URL starts with postgres:// (postgres://USER[:PASSWORD]@HOST[:PORT]/DB)")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let at = rest.lastIndex(of: "@") else { throw Invalid(description: "the ledger URL names no user (postgres://USER@HOST/DB)") }
        let credentials = rest[..<at]
        let location = rest[rest.index(after: at)...]
        let userPart = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        user = Self.decode(userPart[0])
        guard !user.isEmpty else { throw Invalid(description: "the ledger URL names no user (postgres://USER@HOST/DB)") }
        password = userPart.count > 1 ? Self.decode(userPart[1]) : environment["PGPASSWORD"]
        guard let slash = location.firstIndex(of: "/") else { throw Invalid(description: "the ledger URL names no database (postgres://USER@HOST/DB)") }
        database = Self.decode(location[location.index(after: slash)...])
        guard !database.isEmpty else { throw Invalid(description: "the ledger URL names no database (postgres://USER@HOST/DB)") }
        let hostPort = location[..<slash]
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            port = after.hasPrefix(":") ? try Self.port(after.dropFirst()) : 5432
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = try Self.port(hostPort[hostPort.index(after: colon)...])
        } else {
            host = String(hostPort)
            port = 5432
        }
        tls = .prefer
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "host" {
                let directory = Self.decode(parts[1])
                guard directory.hasPrefix("/") else { throw Invalid(description: "host= takes the folder of the server's socket, an absolute path (found '\(directory)')") }
                socketDirectory = directory
                continue
            }
            guard parts.count == 2, parts[0] == "sslmode" else {
                throw Invalid(description: "the ledger URL takes the options sslmode=disable|prefer|require|verify-full and host=/socket/dir (found '\(pair)')")
            }
            guard let mode = TLSMode(rawValue: String(parts[1])) else {
                throw Invalid(description: "sslmode '\(parts[1])' is not one of disable, prefer, require, verify-full")
            }
            tls = mode
        }
        guard !host.isEmpty || socketDirectory != nil else { throw Invalid(description: "the ledger URL names no host (postgres://USER@HOST/DB)") }
    }

    private static func port(_ text: Substring) throws(Invalid) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw Invalid(description: "the ledger URL's port '\(text)' is not 1 to 65535") }
        return port
    }

    /// Percent-decoding (a password may hold `@`, `:` or `/` written as `%40`, `%3A`, `%2F`).
    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let first = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), first < utf8.endIndex,
                let second = utf8.index(first, offsetBy: 1, limitedBy: utf8.endIndex), second < utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[first], utf8[second]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The URL without its password: what messages and the run folder's pointer say.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let socket = socketDirectory.map { "&host=" + $0 } ?? ""
        return "postgres://\(user)@\(shownHost):\(port)/\(database)?sslmode=\(tls.rawValue)\(socket)"
    }
}
