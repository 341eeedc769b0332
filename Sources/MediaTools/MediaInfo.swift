/// A media file as ffprobe describes it: its first video stream's size and frame rate, whether it has audio, and
/// its duration.
public struct MediaInfo: Sendable, Equatable {
    public var width: Int?
    public var height: Int?
    /// Frames per second (from `avg_frame_rate`, else `r_frame_rate`).
    public var frameRate: Double?
    public var hasVideo = false
    public var hasAudio = false
    /// Seconds.
    public var duration: Double?

    public init(width: Int? = nil, height: Int? = nil, frameRate: Double? = nil, hasVideo: Bool = false, hasAudio: Bool = false, duration: Double? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.hasVideo = hasVideo
        self.hasAudio = hasAudio
        self.duration = duration
    }

    /// Reads `ffprobe -of default` output: `[STREAM]` blocks of `key=value` lines, then `[FORMAT]`.
    public init(ffprobeText text: String) {
        var section = ""
        var stream: [String: String] = [:]
        func endStream() {
            switch stream["codec_type"] {
            case "video" where !hasVideo:
                hasVideo = true
                width = stream["width"].flatMap { Int($0) }
                height = stream["height"].flatMap { Int($0) }
                frameRate = Self.rate(stream["avg_frame_rate"]) ?? Self.rate(stream["r_frame_rate"])
            case "audio":
                hasAudio = true
            default:
                break
            }
            stream = [:]
        }
        for line in text.split(separator: "\n") {
            switch line {
            case "[STREAM]", "[FORMAT]": section = String(line)
            case "[/STREAM]": endStream(); section = ""
            case "[/FORMAT]": section = ""
            default:
                guard let equals = line.firstIndex(of: "=") else { continue }
                let key = String(line[..<equals])
                let value = String(line[line.index(after: equals)...])
                if section == "[STREAM]" { stream[key] = value }
                if section == "[FORMAT]", key == "duration" { duration = Double(value) }
            }
        }
    }

    /// `30000/1001` or `25/1` as a number (nil for `0/0`).
    static func rate(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let numerator = Double(parts[0]), let denominator = Double(parts[1]), denominator > 0, numerator > 0 else {
            return Double(text).flatMap { $0 > 0 ? $0 : nil }
        }
        return numerator / denominator
    }
}
