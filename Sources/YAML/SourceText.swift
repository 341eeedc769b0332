#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of a source, loaded to show errors: its lines, and the mark of a byte offset.
///
/// Parsing never needs it; it is read (again, for a file) only when there is something to show.
public struct SourceText: Sendable {
    /// The name to show: a path, or `<string>`.
    public let name: String
    private let bytes: [UInt8]
    /// Byte offset where each line starts; line n (1-based) starts at `lineStarts[n - 1]`.
    private let lineStarts: [Int]

    /// Wraps bytes already in memory.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var starts = [0]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte == 0x0D, index + 1 >= bytes.count || bytes[index + 1] != 0x0A {
                starts.append(index + 1)  // a lone CR is a line break in YAML too
            }
            index += 1
        }
        lineStarts = starts
    }

    /// Loads the text of an input: the bytes at hand, or the file read again. `nil` if it cannot be read.
    public static func load(_ input: Input) -> SourceText? {
        switch input {
        case .bytes(let bytes, let name):
            return SourceText(name: name, bytes: bytes)
        case .file(let path):
            guard let bytes = readFile(path) else { return nil }
            return SourceText(name: path, bytes: bytes)
        }
    }

    /// The text of a 1-based line without its line break, or `nil` past the end.
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= lineStarts.count else { return nil }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        var text = String(decoding: bytes[start..<end], as: UTF8.self)
        if number == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// The mark of a byte offset: its line, and its column counted in characters.
    public func mark(atByteOffset offset: Int) -> Mark {
        let offset = min(max(offset, 0), bytes.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        if low == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]), offset >= 3 { index = 3 }
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return Mark(line: low + 1, column: column)
    }

    /// A diagnostic in compiler style: `name:line:column: severity: message`, then the source line and a
    /// caret under the column. Long lines are shown as a window around the column.
    public func render(_ severity: Severity, at mark: Mark, _ message: String) -> String {
        var text = "\(name):\(mark.line):\(mark.column): \(severity.rawValue): \(message)"
        guard let line = line(mark.line) else { return text }
        let scalars = Array(line.unicodeScalars)
        let caretIndex = min(max(mark.column - 1, 0), scalars.count)
        let window = 120
        let lower = max(0, caretIndex - window / 2)
        let upper = min(scalars.count, lower + window)
        var shown = String(String.UnicodeScalarView(scalars[lower..<upper]))
        if lower > 0 { shown = "..." + shown }
        if upper < scalars.count { shown += "..." }
        let pad = scalars[lower..<caretIndex].map { $0 == "\t" ? "\t" : " " }.joined()
        text += "\n" + shown + "\n" + (lower > 0 ? "   " : "") + pad + "^"
        return text
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }
}

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Comparable {
    /// Stops the input from being used.
    case error
    /// Worth a look; the input is still used.
    case warning
    /// More about the diagnostic before it.
    case note

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        let order: [Severity] = [.error, .warning, .note]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

extension YAMLError {
    /// The error in compiler style, with its source line and a caret when it has a place.
    public func rendered(source: SourceText?, name: String) -> String {
        guard let mark else { return "\(name): error: \(message)" }
        guard let source else { return "\(name):\(mark): error: \(message)" }
        return source.render(.error, at: mark, message)
    }
}
