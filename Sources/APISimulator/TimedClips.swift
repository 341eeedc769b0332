import Crypto
import Foundation
import JSON
import MediaTools

/// Clips of the requested length made from a job's own frames (the start frame, the end frame crossfaded in), so a
/// simulated storyboard's animatic has its real timing. Made once per (frames, duration) with ffmpeg, small
/// (320x180, 12 fps), kept in a cache folder; a job whose start frame is not a local file (a data URI) gets none.
actor TimedClips {
    private let ffmpeg: FFmpeg
    private let folder: String
    /// Clips being made, by cache key: a second job with the same frames waits for the first.
    private var making: [String: Task<[UInt8]?, Never>] = [:]

    init(ffmpeg: FFmpeg, folder: String) {
        self.ffmpeg = ffmpeg
        self.folder = folder
    }

    /// The cache key of a submit's body, or nil when its start frame is not a data URI (or the body is no video job).
    nonisolated static func key(of body: JSONValue) -> ClipRequest? {
        guard let start = body["image"]?.string.flatMap(decodeDataURI) else { return nil }
        let end = body["end_image"]?.string.flatMap(decodeDataURI)
        let seconds = body["duration"]?.int ?? 5
        var hasher = SHA256()
        hasher.update(data: start)
        hasher.update(data: [0])
        if let end { hasher.update(data: end) }
        hasher.update(data: Array("|\(seconds)".utf8))
        return ClipRequest(key: Hex.lowercase(hasher.finalize()), start: start, end: end, seconds: seconds)
    }

    /// Starts making the clip for a request (at submit, so it is ready by the time the job renders).
    func prepare(_ request: ClipRequest) {
        _ = task(for: request)
    }

    /// The clip's bytes, made if needed; nil when ffmpeg failed.
    func clip(_ request: ClipRequest) async -> [UInt8]? {
        await task(for: request).value
    }

    private func task(for request: ClipRequest) -> Task<[UInt8]?, Never> {
        if let task = making[request.key] { return task }
        let ffmpeg = self.ffmpeg
        let folder = self.folder
        let task = Task<[UInt8]?, Never> { await Self.make(request, ffmpeg: ffmpeg, folder: folder) }
        making[request.key] = task
        return task
    }

    private static func make(_ request: ClipRequest, ffmpeg: FFmpeg, folder: String) async -> [UInt8]? {
        let target = folder + "/" + request.key + ".mp4"
        if let cached = FileManager.default.contents(atPath: target) { return Array(cached) }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let unique = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let startPath = folder + "/\(request.key)-\(unique)-start"
        let endPath = folder + "/\(request.key)-\(unique)-end"
        let partial = folder + "/\(request.key)-\(unique).partial.mp4"
        defer {
            try? FileManager.default.removeItem(atPath: startPath)
            try? FileManager.default.removeItem(atPath: endPath)
            try? FileManager.default.removeItem(atPath: partial)
        }
        guard FileManager.default.createFile(atPath: startPath, contents: Data(request.start)) else { return nil }
        let seconds = String(request.seconds)
        let fit = "scale=320:180:force_original_aspect_ratio=decrease,pad=320:180:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=12"
        var arguments = ["-loop", "1", "-framerate", "12", "-t", seconds, "-i", startPath]
        var graph = "[0:v]\(fit),format=yuv420p[v]"
        if let end = request.end, FileManager.default.createFile(atPath: endPath, contents: Data(end)) {
            arguments += ["-loop", "1", "-framerate", "12", "-t", seconds, "-i", endPath]
            let fadeStart = String(format: "%.3f", Double(request.seconds) * 0.3)
            let fadeLength = String(format: "%.3f", Double(request.seconds) * 0.4)
            graph = "[0:v]\(fit),format=yuva420p[a];[1:v]\(fit),format=yuva420p,fade=t=in:st=\(fadeStart):d=\(fadeLength):alpha=1[b];"
                + "[a][b]overlay=shortest=1,format=yuv420p[v]"
        }
        arguments += ["-filter_complex", graph, "-map", "[v]", "-t", seconds, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30",
                      "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", partial]
        do {
            // A frame ffmpeg cannot decode can keep it looping on `-loop 1` for ever: bounded, then the sample clip.
            _ = try await ffmpeg.run(arguments, timeout: 15)
            try FileManager.default.moveItem(atPath: partial, toPath: target)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if !FileManager.default.fileExists(atPath: target) { return nil }
        }
        return FileManager.default.contents(atPath: target).map(Array.init)
    }

    /// The bytes of a `data:image/...;base64,` URI.
    nonisolated static func decodeDataURI(_ text: String) -> [UInt8]? {
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ","), text[..<comma].hasSuffix(";base64") else { return nil }
        return Data(base64Encoded: String(text[text.index(after: comma)...])).map(Array.init)
    }
}

/// What a timed clip is made from.
struct ClipRequest: Sendable {
    let key: String
    let start: [UInt8]
    let end: [UInt8]?
    let seconds: Int
}
