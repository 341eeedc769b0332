import Foundation
import JobManifest

/// `summary.json`: the report's JSON document for the folder, plus the run's exit code, written through a
/// temporary file and a rename at every end of a run. Written a MiB at a time: at 100,000 jobs the document is
/// about 60 MB.
enum SummaryFile {
    static func write(_ report: BatchReport, exitCode: Int32, to path: String) {
        let temporary = path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        var failed = false
        func send(_ bytes: inout [UInt8]) {
            if !failed, !Console.writeAll(bytes, to: fd) { failed = true }
            bytes.removeAll(keepingCapacity: true)
        }
        var out: [UInt8] = []
        report.writeJSON(leading: [("exit_code", .int(Int(exitCode)))], to: &out, flush: send)
        send(&out)
        if close(fd) != 0 { failed = true }
        if failed {
            unlink(temporary)
        } else {
            _ = rename(temporary, path)
        }
    }
}
