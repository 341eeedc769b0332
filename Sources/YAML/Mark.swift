/// A position in a YAML source: 1-based line and column (columns count characters, not bytes).
///
/// libyaml reports 0-based marks; they become 1-based once, where events leave the C layer.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int { Int(storedLine) }
    /// The 1-based column, in characters.
    public var column: Int { Int(storedColumn) }

    // Two 32-bit halves keep a node's mark at 8 bytes: trees of millions of nodes feel the difference.
    private let storedLine: UInt32
    private let storedColumn: UInt32

    /// Creates a mark at a 1-based line and column.
    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    /// `line:column`, as compilers print it.
    public var description: String { "\(line):\(column)" }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
    }
}
