import Foundation

/// Who may talk to the review room, decided per request (pure, so each rule is tested on its own):
/// - the `Host` header must name the address served (a page on another site that resolves its name to this machine
///   gets nothing: no DNS rebinding);
/// - with an access token (any `--host` but loopback), every request carries it, in the query or the cookie the
///   first page load sets;
/// - a request that changes something is a POST with a same-origin `Origin` and the page's own token.
struct ReviewGuard: Sendable {
    /// The `host:port` forms a browser may send for the address served.
    let allowedHosts: Set<String>
    /// Required on every request when set (`?token=` or the `shotrunner_review` cookie).
    let accessToken: String?
    let port: Int
    /// Bound to a wildcard address: any host name is taken, on the port served.
    let anyHost: Bool
    /// Carried by the page in `X-Review-Token` on every POST.
    let pageToken: String

    /// The cookie that carries the access token after the first load.
    static let cookieName = "shotrunner_review"

    init(host: String, port: Int, accessToken: String?, pageToken: String) {
        var hosts: Set<String> = []
        let names = Self.isLoopback(host) ? ["127.0.0.1", "localhost", "[::1]", host] : [host.contains(":") ? "[\(host)]" : host]
        for name in names { hosts.insert("\(name):\(port)") }
        allowedHosts = hosts
        self.port = port
        // Bound to every address: the browser names whichever it reached; the access token is what guards it.
        anyHost = host == "0.0.0.0" || host == "::"
        self.accessToken = accessToken
        self.pageToken = pageToken
    }

    /// Whether `host` is this machine's loopback (where no access token is needed).
    static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// A random token of 32 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// What a request may do.
    enum Verdict: Equatable {
        case allowed
        /// Refused, with the status and a short reason.
        case refused(Int, String)
    }

    /// The verdict on a request: its method, `Host`, `Origin`, the access token it carries (query or cookie) and the
    /// page token header.
    func check(method: String, host: String?, origin: String?, accessToken given: String?, pageToken header: String?) -> Verdict {
        guard let host, allowedHosts.contains(host.lowercased()) || (anyHost && host.hasSuffix(":\(port)")) else {
            return .refused(421, "this review room answers to \(allowedHosts.sorted().first ?? "its own address") only")
        }
        if let accessToken, !Self.same(given ?? "", accessToken) {
            return .refused(401, "the review room needs its access token: open the URL it printed")
        }
        guard method != "GET", method != "HEAD" else { return .allowed }
        guard method == "POST" else { return .refused(403, "only GET and POST are served") }
        guard let origin, origin.lowercased() == "http://" + host.lowercased() else {
            return .refused(403, "a change must come from the review page itself (same origin)")
        }
        guard let header, Self.same(header, pageToken) else {
            return .refused(403, "a change must carry the page's token: reload the page")
        }
        return .allowed
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// The access token a request carries: `?token=` first, then the cookie.
    static func carriedToken(query: String?, cookie: String?) -> String? {
        if let query, !query.isEmpty { return query }
        guard let cookie else { return nil }
        for part in cookie.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == cookieName { return String(pair[1]) }
        }
        return nil
    }
}
