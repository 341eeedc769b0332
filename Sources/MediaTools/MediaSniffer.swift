/// What a file is by its first bytes: images PNG, JPEG, WebP; videos MP4, MOV, WebM; audio WAV, MP3, OGG, FLAC,
/// M4A. Used for local inputs (the extension is never trusted) and to name downloaded outputs.
public enum MediaSniffer {
    /// How many leading bytes `mediaType(of:)` looks at.
    public static let headLength = 12

    /// The MIME type the bytes show, or nil for anything else.
    public static func mediaType(of bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(headLength))
        func at(_ offset: Int, _ text: String) -> Bool {
            let expected = Array(text.utf8)
            return head.count >= offset + expected.count && Array(head[offset..<offset + expected.count]) == expected
        }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if at(0, "RIFF"), at(8, "WEBP") { return "image/webp" }
        if at(0, "RIFF"), at(8, "WAVE") { return "audio/wav" }
        if at(4, "ftyp") {
            if at(8, "M4A ") || at(8, "M4B ") { return "audio/mp4" }
            if at(8, "qt  ") { return "video/quicktime" }
            // ISO media is also AVIF and HEIC images, and more: only the video brands are video.
            let videoBrands = ["isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "M4VP", "dash", "3gp4", "3gp5", "3gp6", "3g2a", "mmp4", "f4v ", "MSNV", "XAVC"]
            return videoBrands.contains { at(8, $0) } ? "video/mp4" : nil
        }
        // QuickTime files written before `ftyp` existed start with another atom.
        if at(4, "moov") || at(4, "mdat") || at(4, "wide") || at(4, "free") { return "video/quicktime" }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
        if at(0, "OggS") { return "audio/ogg" }
        if at(0, "fLaC") { return "audio/flac" }
        if at(0, "ID3") { return "audio/mpeg" }
        // An MPEG audio frame: 11 sync bits, a valid layer.
        if head.count >= 2, head[0] == 0xFF, head[1] & 0xE0 == 0xE0, head[1] & 0x06 != 0 { return "audio/mpeg" }
        return nil
    }

    /// The usual file extension of a media type shotrunner recognises.
    public static func fileExtension(of mediaType: String) -> String? {
        switch mediaType {
        case "image/png": "png"
        case "image/jpeg": "jpg"
        case "image/webp": "webp"
        case "video/mp4": "mp4"
        case "video/quicktime": "mov"
        case "video/webm": "webm"
        case "audio/wav": "wav"
        case "audio/mpeg": "mp3"
        case "audio/ogg": "ogg"
        case "audio/flac": "flac"
        case "audio/mp4": "m4a"
        default: nil
        }
    }
}
