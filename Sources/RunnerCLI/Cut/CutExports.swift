import Foundation
import AtomicFiles
import Timeline

/// The cut's timelines for an editor, each written whole or not at all.
enum CutExports {
    static func write(_ timeline: CutTimeline, otio: String?, edl: String?, fcp7: String?, fcpxml: String?, console: Console) throws {
        let exports: [(String?, String, () -> String)] = [
            (otio, "OpenTimelineIO", { OTIOExport.json(timeline) }),
            (edl, "CMX 3600 EDL", { EDLExport.text(timeline) }),
            (fcp7, "Final Cut 7 XML", { FCP7Export.xml(timeline) }),
            (fcpxml, "FCPXML", { FCPXMLExport.xml(timeline) }),
        ]
        for (path, label, text) in exports {
            guard let path else { continue }
            let target = RunFolderPaths.absolute(path)
            do {
                try AtomicFile.write(Array(text().utf8), to: target)
            } catch {
                throw CLIError.setup("cannot write the \(label) to \(target): \(error)")
            }
            console.out("\(label): \(target)")
        }
    }
}
