/// Numbers written into file formats byte by byte.
extension Array where Element == UInt8 {
    /// Appends `value` big-endian (PNG, MP4).
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    /// Appends the low `count` bytes of `value` little-endian (WAV).
    mutating func appendLittleEndian(_ value: UInt32, count: Int = 4) {
        for shift in 0..<count { append(UInt8(value >> (8 * UInt32(shift)) & 0xFF)) }
    }
}
