import AtomicFiles
import ArgumentParser
import Foundation
import JobManifest
import ResultsLedger

/// `shotrunner report RUN_DIR... [--json] [--junit FILE]`
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise one or more run folders (the shards of a batch) from their ledgers.",
        discussion: """
            Prints a table (job, state, seconds, tries, cost, render time, file), the totals, and the reasons of \
            failed and unknown jobs. --json prints the same as one document (the one summary.json holds), with \
            the counts also as request_counts {total, completed, failed, in_progress}. --junit FILE writes JUnit \
            XML, a test case per job, for CI. --html FILE writes a contact sheet (start and end frames, prompt, \
            state, cost and the clip of every job, in storyboard order) that works offline. Exit 0 when every job completed, 1 otherwise, 2 for a folder with \
            no ledger.
            """
    )

    @Argument(help: ArgumentHelp("Run folders; several are merged (shards).", valueName: "run-dir"))
    var runDirs: [String]

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Write JUnit XML to this file.")
    var junit: String?

    @Option(help: "Write a self-contained HTML contact sheet to this file (links relative to where it is written).")
    var html: String?

    @OptionGroup var catalog: CatalogOption

    func validate() throws {
        guard !runDirs.isEmpty else { throw ValidationError("Give at least one run folder.") }
    }

    func run() async throws {
        var folds: [(path: String, fold: LedgerFold)] = []
        for runDir in runDirs {
            let path = RunFolderPaths.absolute(runDir)
            // A folder whose batch is in the shared ledger: read from the database.
            if let shared = try await SharedPointer.fold(folder: path) {
                folds.append((path, shared))
                continue
            }
            guard FileManager.default.fileExists(atPath: path + "/ledger.jsonl") else {
                throw CLIError.usage("\(runDir) is not a run folder (it has no ledger.jsonl)")
            }
            do {
                folds.append((path, try Ledger.fold(folder: path)))
            } catch {
                throw CLIError.ledger(error)
            }
        }
        let report = BatchReport(folders: folds)
        UntilExit.keep(folds.map(\.fold))
        let console = Console()
        if json {
            // Handed to standard output as it is written (the entries on two threads), never whole.
            var out: [UInt8] = []
            report.writeJSON(to: &out, flush: console.send)
            console.out(bytes: out)
        } else {
            console.out(report.table)
        }
        if let junit {
            do {
                try AtomicFile.write(Array(report.junit.utf8), to: RunFolderPaths.absolute(junit))
            } catch {
                throw CLIError.usage("cannot write \(junit): \(error.reason)")
            }
        }
        if let html {
            let page = URL(fileURLWithPath: html).standardizedFileURL
            var shots: [String: ContactSheet.Shot] = [:]
            // The manifest is read with the catalogue at hand (--catalog, else the cache, else the snapshot), so a
            // card of any model shows its prompt and media inputs.
            let registry = (try? catalog.registry()) ?? ModelRegistry()
            for (_, fold) in folds {
                shots.merge(ContactSheet.shots(manifestPath: fold.manifestPath, registry: registry)) { first, _ in first }
            }
            let title = "Contact sheet: " + (folds.first?.fold.manifestPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "shotrunner")
            let text = ContactSheet.html(report, shots: shots, pageFolder: page.deletingLastPathComponent().path, title: title)
            do {
                try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Array(text.utf8), to: page.path)
            } catch {
                throw CLIError.usage("cannot write \(html): \((error as? AtomicFile.Failure)?.reason ?? error.localizedDescription)")
            }
        }
        if report.counts[.completed, default: 0] != report.entries.count { throw CLIError.exit(ExitStatus.jobsUnfinished) }
    }
}
