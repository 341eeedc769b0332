import Foundation

/// Where a video may be fetched from: `https://` anywhere, or plain `http://` only on this machine (the simulator).
/// A redirect must keep its scheme and land somewhere this policy allows, so an https download can never be
/// sent on in the clear, nor to `file:` or any other scheme.
public enum DownloadURLPolicy {
    /// Whether `url` may be fetched.
    public static func allows(_ url: String) -> Bool {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
              let host = parts.host, !host.isEmpty else { return false }
        switch scheme {
        case "https": return true
        case "http": return isLoopback(host)
        default: return false
        }
    }

    /// Whether a download of `from` may follow a redirect to `to` (already resolved against `from`).
    public static func allowsRedirect(from: String, to: String) -> Bool {
        guard let a = URLComponents(string: from)?.scheme?.lowercased(), let b = URLComponents(string: to)?.scheme?.lowercased() else {
            return false
        }
        return a == b && allows(to)
    }

    /// The URL without its query and fragment (signed URLs carry credentials there), for messages.
    public static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "<unparseable URL>" }
        parts.query = nil
        parts.fragment = nil
        parts.user = nil
        parts.password = nil
        return parts.string ?? "<unparseable URL>"
    }

    private static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
