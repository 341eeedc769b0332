import Foundation

/// The URLs `--notify` (and `SHOTRUNNER_NOTIFY_URL`) name, checked before anything is spent: https anywhere, or
/// plain http to this machine only (a notification carries the run's counts and job ids, never the token).
struct NotifyTargets: Sendable, Equatable {
    /// The URLs, in the order given, without repeats.
    let urls: [URL]

    /// Why a URL cannot be notified.
    struct Refused: Error, CustomStringConvertible {
        let url: String
        let reason: String
        var description: String { "--notify \(NotifyTargets.shown(url)): \(reason)" }
    }

    /// A URL as messages show it: scheme and host, never the path or query a webhook's secret is in.
    static func shown(_ text: String) -> String {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else { return "(not a URL)" }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")/..."
    }

    /// From the options, then the environment variable (whitespace or commas between several).
    init(options: [String], environment: [String: String]) throws(Refused) {
        let fromEnvironment = (environment["SHOTRUNNER_NOTIFY_URL"] ?? "")
            .split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        var seen: Set<String> = []
        var urls: [URL] = []
        for text in options + fromEnvironment where seen.insert(text).inserted {
            urls.append(try Self.check(text))
        }
        self.urls = urls
    }

    static func check(_ text: String) throws(Refused) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw Refused(url: text, reason: "not an absolute URL")
        }
        if url.user != nil || url.password != nil {
            throw Refused(url: text, reason: "credentials belong in the webhook's path or query, not before the host")
        }
        switch scheme {
        case "https":
            return url
        case "http" where isLoopback(host):
            return url
        case "http":
            throw Refused(url: text, reason: "plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https")
        default:
            throw Refused(url: text, reason: "the scheme must be https (or http to this machine)")
        }
    }

    /// `localhost`, `::1`, or a numeric IPv4 address in 127.0.0.0/8 (a name such as `127.example.com` is not).
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}
