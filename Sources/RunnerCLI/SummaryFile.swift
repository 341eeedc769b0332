import AtomicFiles
import JSON

/// `summary.json`: the report's JSON document for the folder, plus the run's exit code, written whole or not at all
/// (an `AtomicFile`) at every end of a run. Written a MiB at a time: at 100,000 jobs the document is about 60 MB.
enum SummaryFile {
    static func write(_ report: BatchReport, exitCode: Int32, reason: String? = nil, to path: String) {
        guard let file = try? AtomicFile(beside: path) else { return }
        var failed = false
        func send(_ bytes: inout [UInt8]) {
            if !failed {
                do { try file.write(bytes) } catch { failed = true }
            }
            bytes.removeAll(keepingCapacity: true)
        }
        var out: [UInt8] = []
        var leading: [(key: String, value: JSONValue)] = [("exit_code", .int(Int(exitCode)))]
        if let reason { leading.append(("stopped_by", .string(reason))) }
        report.writeJSON(leading: leading, to: &out, flush: send)
        send(&out)
        if failed {
            file.discard()
        } else {
            try? file.commit(to: path)
        }
    }
}
