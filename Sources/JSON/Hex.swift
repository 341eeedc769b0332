/// Lowercase hexadecimal text of bytes: the package's one encoder (digests in keys, file names and the ledger).
package enum Hex {
    /// Two lowercase digits per byte, in order.
    package static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The digits, `0`-`9` then `a`-`f`, as UTF-8.
    package static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
