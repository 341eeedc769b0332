import AtomicFiles
import Foundation
import MediaTools
import Timeline

/// The cut as one MP4 through ffmpeg: every item scaled and padded to the cut's size, at its frame rate, cut or
/// held to its length in frames; slates black (or their start frame); a silent track where a clip has none; one
/// H.264 video and one AAC audio stream. Written beside the target and renamed into place.
enum AnimaticRenderer {
    static func render(_ timeline: CutTimeline, to path: String, ffmpeg: FFmpeg, progress: (@Sendable (Double) -> Void)?) async throws {
        let arguments = self.arguments(timeline, output: "OUTPUT")
        let temporary = path + ".partial-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".mp4"
        do {
            _ = try await ffmpeg.run(arguments.map { $0 == "OUTPUT" ? temporary : $0 }, progress: progress)
            try AtomicFile.publish(temporary, as: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// ffmpeg's arguments: one input per clip or slate (and a silent source for each item without audio), one
    /// filter graph that normalises and concatenates them, then the encoder settings and `output`.
    static func arguments(_ timeline: CutTimeline, output: String) -> [String] {
        let rate = timeline.rate
        let (width, height) = (timeline.width, timeline.height)
        var inputs: [String] = []
        var filters: [String] = []
        var concat = ""
        var next = 0
        for (position, item) in timeline.items.enumerated() {
            let seconds = Self.seconds(item.frames, rate)
            let fit = "scale=\(width):\(height):force_original_aspect_ratio=decrease,pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2:color=black,setsar=1"
            let length = "fps=\(rate),tpad=stop_mode=clone:stop=\(item.frames),trim=end_frame=\(item.frames),setpts=PTS-STARTPTS,format=yuv420p"
            let video = next
            switch item.source {
            case .clip(let path):
                inputs += ["-i", path]
            case .slate(let image?):
                inputs += ["-loop", "1", "-framerate", "\(rate)", "-t", seconds, "-i", image]
            case .slate(nil):
                inputs += ["-f", "lavfi", "-t", seconds, "-i", "color=c=black:s=\(width)x\(height):r=\(rate)"]
            }
            next += 1
            filters.append("[\(video):v:0]\(fit),\(length)[v\(position)]")
            let audioFormat = "aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo"
            if item.hasAudio, case .clip = item.source {
                filters.append("[\(video):a:0]\(audioFormat),apad,atrim=end=\(seconds),asetpts=PTS-STARTPTS[a\(position)]")
            } else {
                inputs += ["-f", "lavfi", "-t", seconds, "-i", "anullsrc=r=48000:cl=stereo"]
                filters.append("[\(next):a:0]\(audioFormat),apad,atrim=end=\(seconds),asetpts=PTS-STARTPTS[a\(position)]")
                next += 1
            }
            concat += "[v\(position)][a\(position)]"
        }
        filters.append(concat + "concat=n=\(timeline.items.count):v=1:a=1[v][a]")
        return inputs + [
            "-filter_complex", filters.joined(separator: ";"),
            "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-r", "\(rate)",
            "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-f", "mp4", output,
        ]
    }

    /// Frames as seconds, exactly (six decimals are finer than any frame).
    static func seconds(_ frames: Int, _ rate: Int) -> String {
        String(format: "%.6f", Double(frames) / Double(rate))
    }
}
