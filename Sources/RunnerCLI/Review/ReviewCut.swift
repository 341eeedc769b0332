import Foundation
import MediaTools
import ResultsLedger
import Timeline

/// The cut the review room assembles from the current picks: `assemble`'s animatic and timelines, in the first
/// folder under fixed names (the only names `/cut/` serves).
enum ReviewCut {
    /// Served name: file in the first folder.
    static let files = [
        "animatic.mp4": "animatic.mp4", "cut.otio": "cut.otio", "cut.edl": "cut.edl", "cut-fcp7.xml": "cut-fcp7.xml", "cut.fcpxml": "cut.fcpxml",
    ]

    /// Makes the animatic and the four timelines; returns what to tell the reviewer.
    static func make(folders: [(path: String, fold: LedgerFold)]) async throws -> String {
        let plan = CutPlan(folders: folders, only: nil)
        guard !plan.shots.isEmpty else { throw CLIError.usage("no shot to assemble: the folders list no jobs") }
        guard let ffmpeg = FFmpeg.locate() else { throw CLIError.setup("the cut needs ffmpeg and ffprobe (Debian: sudo apt-get install ffmpeg)") }
        let timeline = try await CutLayout.timeline(plan, ffmpeg: ffmpeg, size: nil, fps: nil)
        let folder = folders[0].path
        do {
            try await AnimaticRenderer.render(timeline, to: folder + "/animatic.mp4", ffmpeg: ffmpeg, progress: nil)
        } catch {
            throw CLIError.setup("ffmpeg could not make the animatic: \(error)")
        }
        try CutExports.write(
            timeline, otio: folder + "/cut.otio", edl: folder + "/cut.edl", fcp7: folder + "/cut-fcp7.xml", fcpxml: folder + "/cut.fcpxml",
            console: Console()
        )
        let slates = timeline.items.filter { if case .slate = $0.source { true } else { false } }.count
        let seconds = String(format: "%.1f", Double(timeline.frames) / Double(timeline.rate))
        return "the cut: \(timeline.items.count) shots, \(seconds) s" + (slates > 0 ? " (\(slates) without a clip shown as slates)" : "")
    }
}
