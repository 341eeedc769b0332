import AtomicFiles
import ArgumentParser
import Foundation
import ResultsLedger
import SharedLedger

/// `shotrunner ledger export|import`: a batch moved between the shared ledger and a run folder.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Move a batch between the shared ledger (PostgreSQL) and a run folder's ledger.jsonl.",
        subcommands: [Export.self, Import.self]
    )

    /// `shotrunner ledger export --ledger URL --batch B [--out FILE] [--force]`
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a batch of the shared ledger as a ledger.jsonl of today's format (to FILE, or standard output).",
            discussion: """
                Put the file in a folder as ledger.jsonl and 'shotrunner status', 'report' and a folder-mode 'run' \
                (with --out that folder) read and resume it. Refused while a worker of the batch is alive (its lease \
                runs), unless --force.
                """
        )

        @Option(help: ArgumentHelp("The shared ledger (also SHOTRUNNER_LEDGER_URL).", valueName: "postgres://..."))
        var ledger: String?

        @Option(help: "The batch to export.")
        var batch: String

        @Option(help: ArgumentHelp("Write here (atomically) instead of standard output.", valueName: "file"))
        var out: String?

        @Flag(help: "Export even while workers of the batch are alive (their later lines are not in the file).")
        var force = false

        func run() async throws {
            let url = try LedgerOption.url(ledger, environment: ProcessInfo.processInfo.environment, hint: " --batch NAME")
            let read: (lines: [String], live: Int)?
            do {
                read = try await SharedBatch.lines(url, batch: batch, timeout: .seconds(30), logger: LedgerOption.quiet)
            } catch {
                throw CLIError.setup("the shared ledger at \(url) could not be read: \(String(describing: error))")
            }
            guard let read else { throw CLIError.setup("the shared ledger at \(url) did not answer within 30 s") }
            guard !read.lines.isEmpty else { throw CLIError.usage("the shared ledger at \(url) has no batch '\(batch)'") }
            guard read.live == 0 || force else {
                throw CLIError.usage("\(read.live) worker\(read.live == 1 ? " is" : "s are") rendering batch \(batch) (see 'shotrunner status --ledger ... --batch \(batch)'); export once they end, or pass --force")
            }
            let bytes = Array(read.lines.map { $0 + "\n" }.joined().utf8)
            guard let out else {
                Console().out(bytes: bytes)
                return
            }
            do {
                try AtomicFile.write(bytes, to: RunFolderPaths.absolute(out))
            } catch {
                throw CLIError.ledger(.io(operation: "write", path: out, reason: "\(error)", errno: 0))
            }
            Console().err("wrote \(read.lines.count) lines of batch \(batch) to \(out)")
        }
    }

    /// `shotrunner ledger import RUN_DIR --ledger URL [--batch B]`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Move a run folder's batch into the shared ledger, mid-way included; the folder then points at it.",
            discussion: """
                The folder's ledger.jsonl (and decisions.jsonl) become the batch's rows; the folder gains ledger.url, so \
                'status RUN_DIR' reads the database and a folder-mode 'run' of it exits 2, naming the database. Workers \
                ('run MANIFEST --ledger URL --batch B --out RUN_DIR') then finish it. The batch must be new.
                """
        )

        @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
        var runDir: String

        @Option(help: ArgumentHelp("The shared ledger (also SHOTRUNNER_LEDGER_URL).", valueName: "postgres://..."))
        var ledger: String?

        @Option(help: "The batch to make (default: the stem of the manifest the folder was last run with).")
        var batch: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let url = try LedgerOption.url(ledger, environment: environment, hint: "")
            let folder = RunFolderPaths.absolute(runDir)
            if let pointer = SharedPointer.read(folder: folder) {
                throw CLIError.usage("\(runDir) already points at the shared ledger \(pointer.url), batch \(pointer.batch)")
            }
            do {
                try await RunFolder.withLock(path: folder) { _ in
                    let fold: LedgerFold
                    do {
                        fold = try Ledger.fold(folder: folder)
                    } catch let error as LedgerError {
                        if case .io(_, _, _, let code) = error, code == 2 { throw CLIError.usage("\(runDir) is not a run folder (it has no ledger.jsonl)") }
                        throw CLIError.ledger(error)
                    }
                    let name = batch ?? fold.manifestPath.map { RunNotification.name(of: $0) } ?? URL(fileURLWithPath: folder).lastPathComponent
                    guard SharedWorker.validBatch(name) else {
                        throw CLIError.usage("the batch name '\(name)' is not 1 to 64 of A-Z a-z 0-9 . _ - (name it with --batch NAME)")
                    }
                    let lines = Self.lines(folder + "/ledger.jsonl") + Self.lines(folder + "/decisions.jsonl")
                    let imported: SharedBatch.Imported?
                    do {
                        imported = try await SharedBatch.importLines(lines, spent: fold.spent, into: url, batch: name, timeout: .seconds(120), logger: LedgerOption.quiet)
                    } catch {
                        throw CLIError.setup("the shared ledger at \(url) could not take the batch: \(String(describing: error))")
                    }
                    switch imported {
                    case nil:
                        throw CLIError.setup("the shared ledger at \(url) did not answer within 120 s; nothing was imported")
                    case .batchNotEmpty:
                        throw CLIError.usage("batch \(name) already has lines in \(url): name another with --batch")
                    case .imported(let count):
                        do {
                            try SharedPointer(url, batch: name).write(folder: folder)
                        } catch {
                            throw CLIError.ledger(.io(operation: "write", path: folder + "/" + SharedPointer.fileName, reason: "\(error)", errno: 0))
                        }
                        Console().out("imported \(count) lines of \(runDir) as batch \(name); the folder now points at \(url) (its ledger.url)")
                    }
                }
            } catch let error as LedgerError {
                throw CLIError.ledger(error)
            }
        }

        /// A file's whole lines that read as ledger lines (a line cut short at the end is left out).
        static func lines(_ path: String) -> [String] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").map(String.init).filter { LedgerEvent(line: $0) != nil }
        }
    }
}
