import ArgumentParser
import Foundation
import MediaTools
import ResultsLedger
import Timeline

/// `shotrunner assemble RUN_DIR... [--out F.mp4] [--otio F] [--edl F] [--fcp7 F] [--fcpxml F] [--size WxH] [--fps N] [--only GLOB]`
struct AssembleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assemble",
        abstract: "Lay the storyboard's shots end to end: an animatic MP4, and the same cut as timelines an editor opens.",
        discussion: """
            Shots in manifest order (the folders of a sharded batch merge by the manifest index each run recorded), \
            one clip per shot: its picked take (shotrunner pick), else its lowest completed take. A shot with no \
            completed clip becomes a slate of its planned length (its start frame when local, else black), so the \
            cut keeps the storyboard's timing; the exit code is then 1. Every item is scaled and padded to one \
            size and frame rate (the most common among the clips, or --size and --fps) with a silent track where a \
            clip has none. --otio, --edl (CMX 3600), --fcp7 (Final Cut 7 XML, for Premiere and Resolve) and \
            --fcpxml write the same timeline, clips by absolute file:// URL at whole frames: the OTIO at the cut's \
            frame rate, the others at the nearest rate timecode counts (23.976, 24, 25, 29.97, 30, 50, 59.94 or \
            60: a 12 fps cut is at 23.976, a 25 fps cut at 25). Needs ffmpeg.
            """
    )

    @Argument(help: ArgumentHelp("The run folders (every shard of a batch).", valueName: "run-dir"))
    var runDirs: [String]

    @Option(help: "The animatic MP4 (default: animatic.mp4 in the first run folder).")
    var out: String?

    @Option(help: "Write the cut as OpenTimelineIO JSON.")
    var otio: String?

    @Option(help: "Write the cut as a CMX 3600 EDL (timecodes at a standard rate: the cut's own, else the nearest, 24 for 12).")
    var edl: String?

    @Option(help: "Write the cut as Final Cut 7 XML (Premiere, Resolve).")
    var fcp7: String?

    @Option(help: "Write the cut as FCPXML (Final Cut Pro).")
    var fcpxml: String?

    @Option(help: "The picture size, WxH (default: the most common among the clips, else 1280x720).")
    var size: String?

    @Option(help: "Frames per second (default: the most common among the clips, rounded, else 24).")
    var fps: Int?

    @Option(help: "Only shots (or takes) whose id matches this glob (* and ?).")
    var only: String?

    func validate() throws {
        if let size, Self.parseSize(size) == nil { throw ValidationError("--size takes WxH with even numbers from 16 to 8192, e.g. 1280x720.") }
        if let fps, !(1...240).contains(fps) { throw ValidationError("--fps takes a whole number from 1 to 240.") }
        if runDirs.isEmpty { throw ValidationError("Give at least one run folder.") }
    }

    func run() async throws {
        let console = Console()
        var folders: [(path: String, fold: LedgerFold)] = []
        for runDir in runDirs {
            let path = RunFolderPaths.absolute(runDir)
            // A folder whose batch is in the shared ledger: read from the database (the files are in the folder).
            if let shared = try await SharedPointer.fold(folder: path) {
                folders.append((path, shared))
                continue
            }
            do {
                folders.append((path, try Ledger.fold(folder: path)))
            } catch {
                if case .io(_, _, _, let code) = error, code == 2 { throw CLIError.usage("\(runDir) is not a run folder (it has no ledger.jsonl)") }
                throw CLIError.ledger(error)
            }
        }
        let plan = CutPlan(folders: folders, only: only)
        guard !plan.shots.isEmpty else { throw CLIError.usage("no shot to assemble\(only.map { " matches --only \($0)" } ?? ""): the folders list no jobs") }
        guard let ffmpeg = FFmpeg.locate() else {
            throw CLIError.setup("assemble needs ffmpeg and ffprobe on PATH (Debian: sudo apt-get install ffmpeg)")
        }
        let timeline = try await CutLayout.timeline(plan, ffmpeg: ffmpeg, size: size.flatMap(Self.parseSize), fps: fps)
        let target = RunFolderPaths.absolute(out ?? folders[0].path + "/animatic.mp4")
        let total = Double(timeline.frames) / Double(timeline.rate)
        let live = console.isTerminal
        do {
            try await AnimaticRenderer.render(timeline, to: target, ffmpeg: ffmpeg, progress: live ? Self.progressLine(total: total, console: console) : nil)
        } catch {
            if live { console.err("") }
            throw CLIError.setup("ffmpeg could not make the animatic: \(error)")
        }
        if live { console.err("") }
        try CutExports.write(timeline, otio: otio, edl: edl, fcp7: fcp7, fcpxml: fcpxml, console: console)
        let slates = timeline.items.filter { if case .slate = $0.source { true } else { false } }
        console.out("animatic: \(target) (\(timeline.items.count) shots, \(String(format: "%.1f", total)) s at \(timeline.rate) fps, \(timeline.width)x\(timeline.height))")
        if !slates.isEmpty {
            console.err("\(slates.count) shot\(slates.count == 1 ? "" : "s") without a completed clip became slates: " + slates.map(\.name).joined(separator: ", "))
            throw CLIError.exit(ExitStatus.jobsUnfinished)
        }
    }

    /// The live line while ffmpeg works: how far into the cut it is.
    static func progressLine(total: Double, console: Console) -> @Sendable (Double) -> Void {
        { seconds in
            let done = min(seconds, total)
            let percent = min(100, Int(done / max(total, 0.001) * 100))
            console.err("\rassembling: \(percent)% (" + String(format: "%.1f", done) + " of " + String(format: "%.1f", total) + " s)", terminator: "")
        }
    }

    static func parseSize(_ text: String) -> (Int, Int)? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (16...8192).contains(width), (16...8192).contains(height), width % 2 == 0, height % 2 == 0 else { return nil }
        return (width, height)
    }
}
