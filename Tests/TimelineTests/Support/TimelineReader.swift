import ChildProcessSupport
import Foundation
import Testing
import Timeline

/// An export written to a file and read back by OpenTimelineIO (`Tools/testing/read_timeline.py`): the independent
/// check that an editor gets the cut's clips, in order, at their lengths and files.
enum TimelineReader {
    /// One export format: its OpenTimelineIO adapter, file extension and writer.
    struct Format: Sendable, CustomTestStringConvertible {
        let adapter: String
        let fileExtension: String
        let write: @Sendable (CutTimeline) -> String

        var testDescription: String { adapter }

        static let otio = Format(adapter: "otio_json", fileExtension: "otio", write: OTIOExport.json)
        static let edl = Format(adapter: "cmx_3600", fileExtension: "edl", write: EDLExport.text)
        static let fcp7 = Format(adapter: "fcp_xml", fileExtension: "xml", write: FCP7Export.xml)
        static let fcpxml = Format(adapter: "fcpx_xml", fileExtension: "fcpxml", write: FCPXMLExport.xml)
    }

    /// What the script prints.
    struct Read: Decodable {
        let name: String
        let video: [Item]
        let audio: [Item]
    }

    /// One item of a track, times in frames at the cut's rate.
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

    /// Writes `timeline` in `format` and reads it back at the cut's rate. A missing Python package is a failure
    /// (a setup error `make test-deps` fixes), never a skip.
    static func readBack(_ timeline: CutTimeline, as format: Format) async throws -> Read {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cut.\(format.fileExtension)")
        try Data(format.write(timeline).utf8).write(to: file)
        let result = try await ChildProcess.run(
            "/usr/bin/env", ["python3", script.path, format.adapter, file.path, "\(timeline.rate)"]
        )
        try #require(result.status == 0, "read_timeline.py \(format.adapter) exited \(result.status): \(result.stderr)")
        return try JSONDecoder().decode(Read.self, from: Data(result.stdout.utf8))
    }
}
