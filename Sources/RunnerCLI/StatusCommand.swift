import Foundation
import ArgumentParser
import JobManifest
import ResultsLedger
import JSON

/// `shotrunner status RUN_DIR [--json]`
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each job's state from a run folder's ledger alone (no manifest, no network).",
        discussion: """
            --json prints {"run_dir", "base_url", "jobs": [{"id", "key", "state", "request_id", "attempts", \
            "output", "file", "files", "model", "waiting_on", "blocked_by", "cost", "error", "picked"}], "counts": {state: n}}.
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let folder = RunFolderPaths.absolute(runDir)
        let fold: LedgerFold
        do {
            fold = try Ledger.fold(folder: folder)
        } catch {
            if case .io(_, _, _, let code) = error, code == 2 {  // ENOENT
                throw CLIError.usage("\(runDir) is not a run folder (it has no ledger.jsonl)")
            }
            throw CLIError.ledger(error)
        }
        let summary = RunSummary(fold: fold, folder: folder)
        UntilExit.keep(fold)
        let console = Console()
        if json {
            // Written a block of jobs at a time, on two threads, and handed to standard output as it goes: a
            // 100,000-job folder's document (about 50 MB) never exists whole, as a tree or as bytes.
            var out: [UInt8] = []
            JSONValue.writeObjectInLanes(
                [("run_dir", .string(folder)), ("base_url", summary.baseURL.map(JSONValue.string) ?? .null)],
                thenArray: "jobs", count: summary.records.count, trailing: [("counts", summary.countsJSON)], indent: 2, to: &out,
                flush: console.send
            ) { position, out in summary.writeJob(summary.records[position], indent: 2, to: &out) }
            console.out(bytes: out)
            return
        }
        let width = max(3, summary.records.map(\.id.count).max() ?? 0)
        var lines = ["JOB" + String(repeating: " ", count: width - 3) + "  STATE            REQUEST"]
        for record in summary.records {
            let state = record.state.rawValue + (summary.isPicked(record) ? " *" : "")
            var line = record.id + String(repeating: " ", count: width - record.id.count) + "  " + state + String(repeating: " ", count: max(1, 17 - state.count)) + (record.requestID ?? "-")
            if record.state == .waiting, !record.waitingOn.isEmpty { line += "  waiting on " + record.waitingOn.joined(separator: ", ") }
            if record.state == .blocked, let by = record.blockedBy { line += "  blocked by \(by.job) (\(by.state.replacingOccurrences(of: "_", with: " ")))" }
            lines.append(line)
        }
        lines.append("")
        if !summary.picks.isEmpty { lines.append("* the take picked for its shot's cut (shotrunner pick)") }
        lines.append(summary.text(fatal: nil, ledgerFailure: nil, capReached: false))
        console.out(lines.joined(separator: "\n"))
    }
}
