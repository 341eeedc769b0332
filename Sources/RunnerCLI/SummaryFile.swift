import Foundation
import JobManifest

/// `summary.json`: the report's JSON document for the folder, plus the run's exit code, written through a
/// temporary file and a rename at every end of a run.
enum SummaryFile {
    static func write(_ report: BatchReport, exitCode: Int32, to path: String) {
        let temporary = path + ".partial"
        if (try? Data(report.jsonBytes(leading: [("exit_code", .int(Int(exitCode)))])).write(to: URL(fileURLWithPath: temporary))) != nil {
            _ = rename(temporary, path)
        }
    }
}
