import ArgumentParser
import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import JSON

/// `shotrunner cancel RUN_DIR`
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel the run folder's queued requests.",
        discussion: """
            Asks the API to cancel every request the ledger has as queued or rendering. Only queued requests can \
            be cancelled; one already rendering goes on and is billed, and the command says which. Every answer \
            is recorded in the ledger (cancel_requested, then cancelled or not_cancellable). Exit 0 when every \
            request asked was cancelled, 1 when some were not.
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Option(name: .customLong("token-file"), help: "Read the API token from this file (mode 600) instead of RUNCOMFY_API_TOKEN.")
    var tokenFile: String?

    func run() async throws {
        let console = Console()
        let folder = try ExistingRunFolder(runDir)
        let ledger = folder.ledger
        let fold = folder.fold
        guard let base = fold.baseURL else { throw CLIError.usage("the ledger in \(runDir) records no base URL") }
        guard let token = try Credentials.token(file: tokenFile, environment: ProcessInfo.processInfo.environment) else {
            throw CLIError.setup("no API token: set RUNCOMFY_API_TOKEN (or use --token-file FILE)")
        }
        let targets = fold.allRecords.filter { ($0.state == .queued || $0.state == .running) && $0.requestID != nil }
            .sorted { $0.id < $1.id }
        guard !targets.isEmpty else {
            console.out("nothing to cancel: no request is queued or rendering")
            return
        }
        let transport = AsyncHTTPTransport()
        let client = HTTPModelAPIClient(configuration: .init(baseURL: base), token: token, transport: transport)
        var notCancelled = 0
        for record in targets {
            guard let requestID = record.requestID else { continue }
            do {
                try await ledger.append(.cancelRequested(job: record.id, key: record.key, requestID: requestID, time: Timestamp.now()))
                let answer = try await client.cancel(requestID: requestID)
                switch answer.outcome {
                case .cancelled:
                    try await ledger.append(.cancelled(job: record.id, key: record.key, requestID: requestID, time: Timestamp.now()))
                    console.out("\(record.id): cancelled")
                case .notCancellable:
                    notCancelled += 1
                    try await ledger.append(.notCancellable(job: record.id, key: record.key, requestID: requestID, status: answer.state?.description ?? "unknown", time: Timestamp.now()))
                    console.out("\(record.id): not cancellable (\(answer.state?.description ?? "already running")); it runs on and is billed")
                }
            } catch let error as LedgerError {
                await transport.shutdown()
                throw CLIError.ledger(error)
            } catch let error as APIError {
                notCancelled += 1
                console.err("\(record.id): the cancel failed: \(error.code): \(error.message)")
                if error.kind == .fatal {
                    await transport.shutdown()
                    throw CLIError.setup("\(error.code): \(error.message)")
                }
            }
        }
        await transport.shutdown()
        await folder.checkpoint()
        if notCancelled > 0 { throw CLIError.exit(ExitStatus.jobsUnfinished) }
    }
}
