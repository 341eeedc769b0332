import Foundation
import AtomicFiles
import Timeline

/// The cut's timelines for an editor, each written whole or not at all. The EDL and Final Cut XMLs are at the
/// standard rate nearest the cut's (`timelineRate`); when that is not the cut's own, their lines say so.
enum CutExports {
    static func write(_ timeline: CutTimeline, otio: String?, edl: String?, fcp7: String?, fcpxml: String?, console: Console) throws {
        let standard = timeline.timelineRate
        let note = standard.value == Double(timeline.rate) ? "" : " (at \(standard) fps, a standard rate timecode can count, for the cut's \(timeline.rate))"
        let exports: [(String?, String, String, () -> String)] = [
            (otio, "OpenTimelineIO", "", { OTIOExport.json(timeline) }),
            (edl, "CMX 3600 EDL", note, { EDLExport.text(timeline) }),
            (fcp7, "Final Cut 7 XML", note, { FCP7Export.xml(timeline) }),
            (fcpxml, "FCPXML", note, { FCPXMLExport.xml(timeline) }),
        ]
        for (path, label, note, text) in exports {
            guard let path else { continue }
            let target = RunFolderPaths.absolute(path)
            do {
                try AtomicFile.write(Array(text().utf8), to: target)
            } catch {
                throw CLIError.setup("cannot write the \(label) to \(target): \(error)")
            }
            console.out("\(label): \(target)\(note)")
        }
    }
}
