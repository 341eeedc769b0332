#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Token {
    /// Why a token file was refused.
    public enum FileProblem: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notRegularFile(path: String)
        case readableByOthers(path: String, mode: String)
        case empty(path: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read the token file '\(path)': \(reason)"
            case .notRegularFile(let path): "the token file '\(path)' is not a regular file"
            case .readableByOthers(let path, let mode):
                "the token file '\(path)' may be read by others (mode \(mode)); run 'chmod 600 \(path)'"
            case .empty(let path): "the token file '\(path)' is empty"
            }
        }
    }

    /// Reads a token from a file (symlinks followed), refusing one whose mode lets group or others read it, as
    /// ssh refuses a key. Surrounding whitespace is dropped.
    public static func read(fromFile path: String) throws(FileProblem) -> Token {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegularFile(path: path) }
        guard info.st_mode & 0o077 == 0 else {
            throw .readableByOthers(path: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        var bytes = [UInt8](repeating: 0, count: 4_096)
        let count = Glibc.read(fd, &bytes, bytes.count)
        var text = Substring(String(decoding: bytes[0..<max(count, 0)], as: UTF8.self))
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else { throw .empty(path: path) }
        return Token(String(text))
    }
}
