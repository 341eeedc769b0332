#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lexical path helpers (no file system access but the working directory).
enum Paths {
    /// `path` made absolute against the working directory, with `.` and `..` components resolved lexically.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let cwd = getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? "."
        return normalize(cwd + "/" + path)
    }

    /// The folder holding `path` (absolute in, absolute out).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `base` joined with `relative` (an absolute `relative` stands alone), normalized.
    static func join(_ base: String, _ relative: String) -> String {
        relative.hasPrefix("/") ? normalize(relative) : normalize(base + "/" + relative)
    }

    /// Whether `normalize` would give `path` back: absolute, with no empty, `.` or `..` component and no
    /// trailing slash (but `/` itself).
    static func isNormal(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let bytes = path.utf8
        guard bytes.first == slash else { return false }
        if bytes.count == 1 { return true }
        var length = 0
        var onlyDots = true
        for byte in bytes.dropFirst() {
            if byte == slash {
                if length == 0 || (onlyDots && length <= 2) { return false }
                length = 0
                onlyDots = true
            } else {
                length += 1
                if byte != dot { onlyDots = false }
            }
        }
        return length > 0 && !(onlyDots && length <= 2)
    }

    /// Resolves `.`, `..` and repeated slashes lexically.
    static func normalize(_ path: String) -> String {
        // Most paths (a normalized folder joined with `frames/a.png`) are already so: returned as they are, with no
        // split and join (which took a seventh of decoding a 100,000-shot manifest with local frames).
        if isNormal(path) { return path }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
