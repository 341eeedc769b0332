/// A small real PNG (64x36, 8-bit RGB, stored deflate blocks) whose pixels and `tEXt` comment come from its tag:
/// every output of every request is a different, decodable image.
enum PNGImage {
    static let width = 64
    static let height = 36

    static func make(_ tag: OutputTag) -> [UInt8] {
        let digest = tag.digest
        var rows: [UInt8] = []
        rows.reserveCapacity(height * (1 + width * 3))
        for y in 0..<height {
            rows.append(0)  // filter: none
            for x in 0..<width {
                // A gradient in the tag's colours, with the digest's bytes as a band along the top.
                if y < 4 {
                    let byte = digest[x % digest.count]
                    rows += [byte, byte &* 3, ~byte]
                } else {
                    rows += [digest[0] &+ UInt8(x * 3), digest[1] &+ UInt8(y * 5), digest[2] ^ UInt8((x + y) & 0xFF)]
                }
            }
        }
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // depth 8, RGB, deflate, adaptive filters, no interlace
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        chunk("IHDR", header, into: &png)
        chunk("tEXt", Array("Comment".utf8) + [0] + Array(tag.text.utf8), into: &png)
        chunk("IDAT", zlibStored(rows), into: &png)
        chunk("IEND", [], into: &png)
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8], into png: inout [UInt8]) {
        png.appendBigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        png += typed
        png.appendBigEndian(Checksum.crc32(typed))
    }

    /// A zlib stream of uncompressed (stored) deflate blocks.
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let last = offset + length == data.count
            out.append(last ? 1 : 0)
            out.appendLittleEndian(UInt32(length), count: 2)
            out.appendLittleEndian(UInt32(~UInt16(length)), count: 2)
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        out.appendBigEndian(Checksum.adler32(data))
        return out
    }
}
