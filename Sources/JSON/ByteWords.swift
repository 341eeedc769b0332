/// Word-at-a-time tests on eight bytes of a string (read little-endian), for the reader's and the writer's scans
/// of string bytes: each is non-zero exactly when some byte of the word qualifies (exact for "any", which is all
/// that is asked; which byte is not told).
enum ByteWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero when a byte is `"` or `\` (a zero byte in `word ^ pattern`).
    static func quoteOrBackslash(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs
    }

    /// Non-zero when a byte is a control character (below 0x20).
    static func control(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highs
    }

    /// The eight bytes at `offset`.
    static func load(_ base: UnsafePointer<UInt8>, at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
    }
}
