import Foundation
import JobManifest
import MediaTools
import Scheduling

/// `frame:` references through ffmpeg: one frame of a clip as PNG.
struct FFmpegFrames: FrameExtracting {
    let ffmpeg: FFmpeg

    struct NoFrame: Error, CustomStringConvertible {
        let frame: JobReference.Frame
        var description: String { "ffmpeg wrote no frame at \(frame.text) (is the time past the clip's end?)" }
    }

    func extractFrame(of video: String, at frame: JobReference.Frame, to png: String) async throws {
        let arguments: [String] = switch frame {
        case .first: ["-i", video, "-frames:v", "1", png]
        // The last second, each frame written over the one before: the file ends as the clip's last frame.
        case .last: ["-sseof", "-1", "-i", video, "-update", "1", png]
        case .seconds(let time): ["-ss", String(time), "-i", video, "-frames:v", "1", png]
        }
        _ = try await ffmpeg.run(arguments, timeout: 120)
        guard FileManager.default.fileExists(atPath: png) else { throw NoFrame(frame: frame) }
    }
}
