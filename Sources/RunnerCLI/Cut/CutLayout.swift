import MediaTools
import Timeline

/// The cut's plan laid out as a timeline: each clip measured (size, frame rate, audio), the cut's size and rate
/// chosen (as asked, else the most common among the clips), every shot at its planned length in frames.
enum CutLayout {
    static func timeline(_ plan: CutPlan, ffmpeg: FFmpeg, size: (Int, Int)?, fps: Int?) async throws -> CutTimeline {
        var infos: [String: MediaInfo] = [:]
        for shot in plan.shots {
            guard let clip = shot.clip else { continue }
            do {
                infos[clip] = try await ffmpeg.probe(clip)
            } catch {
                throw CLIError.setup("ffprobe cannot read \(clip): \(error)")
            }
        }
        let sizes = infos.values.compactMap { info in info.width.flatMap { width in info.height.map { (width, $0) } } }
        let chosenSize = size ?? mostCommon(sizes.map { "\($0.0)x\($0.1)" }).flatMap(AssembleCommand.parseSize) ?? (1280, 720)
        let chosenRate = fps ?? mostCommon(infos.values.compactMap { $0.frameRate.map { Int($0.rounded()) } }.filter { $0 > 0 }) ?? 24
        let items = plan.shots.map { shot -> CutItem in
            let frames = max(1, shot.seconds * chosenRate)
            if let clip = shot.clip, let info = infos[clip], info.hasVideo {
                return CutItem(name: shot.job, source: .clip(path: clip), frames: frames, hasAudio: info.hasAudio)
            }
            return CutItem(name: shot.job, source: .slate(image: shot.startFrame), frames: frames)
        }
        return CutTimeline(name: plan.name, rate: chosenRate, width: chosenSize.0 + chosenSize.0 % 2, height: chosenSize.1 + chosenSize.1 % 2, items: items)
    }

    /// The value seen most often (the first seen on a tie), or nil for none.
    static func mostCommon<T: Hashable>(_ values: [T]) -> T? {
        var counts: [T: Int] = [:]
        var order: [T] = []
        for value in values {
            if counts[value] == nil { order.append(value) }
            counts[value, default: 0] += 1
        }
        return order.max { counts[$0, default: 0] < counts[$1, default: 0] }
    }
}
