import Foundation
import ArgumentParser
import JobManifest
import ResultsLedger
import JSON
import Logging
import SharedLedger

/// `shotrunner status RUN_DIR [--json]`, or `status --ledger URL --batch B [--json]`
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each job's state from a run folder's ledger alone (no manifest, no network).",
        discussion: """
            --json prints {"run_dir", "base_url", "jobs": [{"id", "key", "state", "request_id", "attempts", \
            "output", "file", "files", "model", "waiting_on", "blocked_by", "cost", "error", "picked", "approved", "retake", \
            "notes"}], "counts": {state: n}}. With --ledger URL --batch B, the batch of the shared ledger (PostgreSQL): \
            "batch" and "ledger" (the URL without its password) in place of "run_dir", and "workers": [{"id", "host", \
            "pid", "lease_until", "alive", "left"}]. A run folder that renders through a shared ledger (its ledger.url) \
            shows its batch.
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String?

    @Option(help: ArgumentHelp("A shared ledger in place of a folder (also SHOTRUNNER_LEDGER_URL).", valueName: "postgres://..."))
    var ledger: String?

    @Option(help: "The batch of the shared ledger.")
    var batch: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        if runDir == nil { return try await shared() }
        let runDir = runDir ?? ""
        let folder = RunFolderPaths.absolute(runDir)
        if let pointer = SharedPointer.read(folder: folder) { return try await shared(pointer: pointer) }
        let fold: LedgerFold
        do {
            fold = try Ledger.fold(folder: folder)
        } catch {
            if case .io(_, _, _, let code) = error, code == 2 {  // ENOENT
                throw CLIError.usage("\(runDir) is not a run folder (it has no ledger.jsonl)")
            }
            throw CLIError.ledger(error)
        }
        print(RunSummary(fold: fold, folder: folder), head: [("run_dir", .string(folder))], trailing: [], workers: [])
    }

    /// A batch of the shared ledger: named by `--ledger` and `--batch`, or by a run folder's pointer.
    private func shared(pointer: SharedPointer? = nil) async throws {
        let environment = ProcessInfo.processInfo.environment
        let url = try pointer.map { pointer throws(CLIError) in
            do { return try pointer.ledgerURL(environment: environment) } catch { throw .usage("\(runDir ?? ""): its \(SharedPointer.fileName) cannot be read: \(error)") }
        } ?? LedgerOption.url(ledger, environment: environment, hint: " --batch NAME, or a run folder")
        guard let batch = pointer?.batch ?? batch, !batch.isEmpty else { throw CLIError.usage("--ledger needs --batch NAME: the batch to show") }
        let read: SharedBatch?
        do {
            read = try await SharedBatch.read(url, batch: batch, timeout: .seconds(10), logger: LedgerOption.quiet)
        } catch {
            throw CLIError.setup("the shared ledger at \(url) could not be read: \(String(describing: error))")
        }
        guard var read else { throw CLIError.setup("the shared ledger at \(url) did not answer within 10 s") }
        // A folder's decisions (the review room's, pick's, approve's, retake's) are in the folder.
        if let runDir {
            do {
                for event in try DecisionLog.read(folder: RunFolderPaths.absolute(runDir), from: 0).events { read.fold.apply(event) }
            } catch {
                throw CLIError.ledger(error)
            }
        }
        guard !read.fold.planned.isEmpty || !read.workers.isEmpty else { throw CLIError.usage("the shared ledger at \(url) has no batch '\(batch)'") }
        let workers = read.workers.map { worker in
            JSONValue.object([
                ("id", .string(worker.id)), ("host", .string(worker.host)), ("pid", .int(worker.pid)), ("lease_until", .string(worker.leaseUntil)),
                ("alive", .bool(worker.alive)), ("left", .bool(worker.left)),
            ])
        }
        let lines = read.workers.map { "worker \($0.id) on \($0.host) (pid \($0.pid)): lease until \($0.leaseUntil)\($0.alive ? "" : $0.left ? ", left" : ", lapsed")" }
        print(
            RunSummary(fold: read.fold, folder: "\(url) batch \(batch)"), head: [("batch", .string(batch)), ("ledger", .string(url.description))],
            trailing: [("workers", .array(workers))], workers: lines
        )
    }

    /// The table (or the JSON document) of a fold's jobs: `head` members first, then `base_url`, the jobs, the
    /// counts and `trailing`.
    private func print(
        _ summary: RunSummary, head: [(key: String, value: JSONValue)], trailing: [(key: String, value: JSONValue)], workers: [String]
    ) {
        UntilExit.keep(summary)
        let console = Console()
        if json {
            // Written a block of jobs at a time, on two threads, and handed to standard output as it goes: a
            // 100,000-job folder's document (about 50 MB) never exists whole, as a tree or as bytes.
            var out: [UInt8] = []
            JSONValue.writeObjectInLanes(
                head + [("base_url", summary.baseURL.map(JSONValue.string) ?? .null)],
                thenArray: "jobs", count: summary.records.count, trailing: [("counts", summary.countsJSON)] + trailing, indent: 2, to: &out,
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
        lines += workers
        console.out(lines.joined(separator: "\n"))
    }
}
