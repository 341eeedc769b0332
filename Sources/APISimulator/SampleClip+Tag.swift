extension SampleClip {
    /// A video output's bytes: `clip` with the tag (zero-padded to a fixed width) in a top-level `free` box
    /// (players skip it), so it stays a valid MP4. A clip padded by `padded(to:)` with room for it carries the tag inside its padding and keeps its
    /// size; any other gets a trailing box.
    static func tagged(_ clip: [UInt8], _ tag: OutputTag) -> [UInt8] {
        let text = tag.paddedBytes
        let padding = bytes.count + 8
        if clip.count >= padding + text.count, clip.starts(with: bytes), Array(clip[bytes.count + 4..<padding]) == Array("free".utf8) {
            var out = clip
            out.replaceSubrange(padding..<padding + text.count, with: text)
            return out
        }
        var out = clip
        out.appendBigEndian(UInt32(8 + text.count))
        out += Array("free".utf8)
        return out + text
    }
}
