import Foundation

/// The proxies a call goes through, read from the environment as curl reads it: `HTTPS_PROXY` for https URLs,
/// `HTTP_PROXY` for http ones (either case; the lower case wins when both are set), and `NO_PROXY` for the hosts
/// that go direct. Credentials in a proxy URL are sent to the proxy and never shown (`description` hides them).
public struct ProxySettings: Sendable, Equatable, CustomStringConvertible {
    /// One proxy: where it is, how to talk to it, and who we are to it.
    public struct Proxy: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            /// An HTTP proxy: CONNECT for https targets, absolute form or CONNECT for http ones.
            case http
            /// A SOCKS5 proxy (`socks5://`, `socks5h://`).
            case socks5
        }

        public var kind: Kind
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?

        /// `http://***@host:port` (the credentials never shown).
        public var description: String {
            "\(kind == .http ? "http" : "socks5")://" + (username == nil ? "" : "***@") + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        }
    }

    public var https: Proxy?
    public var http: Proxy?
    /// `NO_PROXY` entries, lower case, without a leading dot (`*` for every host).
    public var noProxy: [String]

    public init(https: Proxy? = nil, http: Proxy? = nil, noProxy: [String] = []) {
        self.https = https
        self.http = http
        self.noProxy = noProxy
    }

    /// No proxy at all.
    public static let direct = ProxySettings()

    /// From an environment (this process's by default). A variable that is set but cannot be read as a proxy URL
    /// is reported in `problems` and not used.
    public static func from(environment: [String: String]? = nil) -> (settings: ProxySettings, problems: [String]) {
        let environment = environment ?? ProcessInfo.processInfo.environment
        func value(_ name: String) -> (name: String, text: String)? {
            for candidate in [name.lowercased(), name.uppercased()] {
                if let text = environment[candidate]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return (candidate, text) }
            }
            return nil
        }
        var problems: [String] = []
        func proxy(_ name: String) -> Proxy? {
            guard let (variable, text) = value(name) else { return nil }
            guard let proxy = parse(text) else {
                problems.append("\(variable) is not a proxy URL that shotrunner can use (http://[user:password@]host[:port] or socks5://host[:port]); it is ignored")
                return nil
            }
            return proxy
        }
        let noProxy = (value("no_proxy")?.text ?? "").split(separator: ",").map {
            var entry = $0.trimmingCharacters(in: .whitespaces).lowercased()
            while entry.hasPrefix(".") { entry.removeFirst() }
            return entry
        }.filter { !$0.isEmpty }
        return (ProxySettings(https: proxy("https_proxy"), http: proxy("http_proxy"), noProxy: noProxy), problems)
    }

    /// A proxy URL (`http://user:pass@host:3128`, `host:3128`, `socks5://host`), or nil.
    public static func parse(_ text: String) -> Proxy? {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let parts = URLComponents(string: withScheme), let host = parts.host, !host.isEmpty else { return nil }
        let kind: Proxy.Kind
        switch parts.scheme?.lowercased() {
        case "http": kind = .http
        case "socks5", "socks5h": kind = .socks5
        default: return nil
        }
        return Proxy(
            kind: kind, host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: parts.port ?? 1080,
            username: parts.user?.removingPercentEncoding, password: parts.password?.removingPercentEncoding
        )
    }

    /// The proxy for a URL, or nil to go direct.
    public func proxy(for url: String) -> Proxy? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host?.lowercased() else { return nil }
        let chosen = scheme == "https" ? https : scheme == "http" ? http : nil
        guard let chosen, !bypasses(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: parts.port ?? (scheme == "https" ? 443 : 80)) else {
            return nil
        }
        return chosen
    }

    /// Whether `NO_PROXY` sends this host direct: `*`, the host itself, or a domain it is under (`example.com`
    /// covers `api.example.com`); an entry with a port covers that port only.
    public func bypasses(host: String, port: Int) -> Bool {
        for entry in noProxy {
            if entry == "*" { return true }
            var name = entry
            if let colon = entry.lastIndex(of: ":"), !entry.hasPrefix("["), entry.firstIndex(of: ":") == colon {
                guard Int(entry[entry.index(after: colon)...]) == port else { continue }
                name = String(entry[..<colon])
            }
            name = name.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// What `--verbose` says of the proxies (credentials hidden).
    public var description: String {
        guard https != nil || http != nil else { return "no proxy" }
        var parts: [String] = []
        if let https { parts.append("https via \(https)") }
        if let http { parts.append("http via \(http)") }
        if !noProxy.isEmpty { parts.append("direct for " + noProxy.joined(separator: ",")) }
        return parts.joined(separator: "; ")
    }
}
