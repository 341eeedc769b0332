import ChildProcessSupport
import Foundation
import Testing
import Timeline

/// An export written to a file and read back by OpenTimelineIO (`Tools/testing/read_timeline.py`): the independent
/// check that an editor gets the cut's clips, in order, at their lengths and files.
enum TimelineReader {
    /// One export format: its OpenTimelineIO adapter, file extension and writer, and whether it writes the cut at
    /// its own rate (OpenTimelineIO JSON) or re-placed at its standard `timelineRate` (the others).
    struct Format: Sendable, CustomTestStringConvertible {
        let adapter: String
        let fileExtension: String
        let write: @Sendable (CutTimeline) -> String
        let atOwnRate: Bool

        var testDescription: String { adapter }

        /// The cut as this format places it, and its rate in frames a second.
        func placed(_ cut: CutTimeline) -> (timeline: CutTimeline, rate: Double) {
            atOwnRate ? (cut, Double(cut.rate)) : (cut.retimed(to: cut.timelineRate), cut.timelineRate.value)
        }

        static let otio = Format(adapter: "otio_json", fileExtension: "otio", write: OTIOExport.json, atOwnRate: true)
        static let edl = Format(adapter: "cmx_3600", fileExtension: "edl", write: EDLExport.text, atOwnRate: false)
        static let fcp7 = Format(adapter: "fcp_xml", fileExtension: "xml", write: FCP7Export.xml, atOwnRate: false)
        static let fcpxml = Format(adapter: "fcpx_xml", fileExtension: "fcpxml", write: FCPXMLExport.xml, atOwnRate: false)
    }

    /// What the script prints.
    struct Read: Decodable {
        let name: String
        let video: [Item]
        let audio: [Item]
    }

    /// One item of a track, times in frames at the rate the format writes (`Format.placed`).
    struct Item: Decodable {
        let kind: String
        let name: String
        let start: Double
        let frames: Double
        let target_url: String?
        let generator: String?
    }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools/testing/read_timeline.py")

    /// Writes `timeline` in `format` and reads it back at the rate the format writes it at (the EDL is read at it;
    /// 23.976 is passed exactly, `23.976023976023978`, the only spelling OpenTimelineIO takes for timecode). A
    /// missing Python package is a failure (a setup error `make test-deps` fixes), never a skip.
    static func readBack(_ timeline: CutTimeline, as format: Format) async throws -> Read {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cut.\(format.fileExtension)")
        try Data(format.write(timeline).utf8).write(to: file)
        let result = try await ChildProcess.run(
            "/usr/bin/env", ["python3", script.path, format.adapter, file.path, "\(format.placed(timeline).rate)"]
        )
        try #require(result.status == 0, "read_timeline.py \(format.adapter) exited \(result.status): \(result.stderr)")
        return try JSONDecoder().decode(Read.self, from: Data(result.stdout.utf8))
    }
}
