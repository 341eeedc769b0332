/// Where YAML text comes from: bytes in memory, or a file read as it is parsed (so a large file is never
/// held whole in memory; its lines are read again only to show an error).
public enum Input: Sendable {
    /// Bytes in memory, with the name errors should show.
    case bytes([UInt8], name: String)
    /// A file by its path.
    case file(path: String)

    /// A string's UTF-8 bytes.
    public static func text(_ text: String, name: String = "<string>") -> Input {
        .bytes(Array(text.utf8), name: name)
    }

    /// The name errors show: the path, or the given name.
    public var name: String {
        switch self {
        case .bytes(_, let name): name
        case .file(let path): path
        }
    }
}
