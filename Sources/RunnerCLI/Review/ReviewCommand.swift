import ArgumentParser
import Foundation
import JobManifest
import ModelCatalog
import ResultsLedger
import Synchronization

/// `shotrunner review RUN_DIR... [--port N] [--host ADDR] [--open]`
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Serve the review room: watch the takes, pick, approve, ask for retakes and see the cut, live while a batch renders.",
        discussion: """
            A page for one or more run folders (a sharded batch's merge in manifest order): every shot in storyboard \
            order with its takes side by side, their prompts, inputs, cost and state, kept current as a run renders \
            into the folders. Decisions go to each folder's decisions.jsonl at once (also while a run holds the \
            folder): picks for the cut, approvals that let gated clips render (approve: true), retakes the next run \
            renders. Press ? on the page for its keys. The first line printed is the URL. It binds 127.0.0.1 unless \
            --host says otherwise; any other address needs the access token printed in the URL. Stop it with Ctrl-C.
            """
    )

    @Argument(help: ArgumentHelp("The run folders (every shard of a batch).", valueName: "run-dir"))
    var runDirs: [String]

    @Option(help: "The port (0: a free one).")
    var port = 8470

    @Option(help: "The address to bind: 127.0.0.1 (this machine only); any other needs the access token the URL carries.")
    var host = "127.0.0.1"

    @Flag(help: "Open the page in the desktop's browser (xdg-open).")
    var open = false

    func validate() throws {
        if runDirs.isEmpty { throw ValidationError("Give at least one run folder.") }
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535.") }
    }

    /// The catalogue a folder's manifest is read with (for prompts and inputs): the cached one, else the seed alone.
    static func registry(_ environment: [String: String]) -> ModelRegistry {
        ModelRegistry(catalog: (try? CatalogOption.load(file: nil, environment: environment)) ?? .snapshot)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var folders: [String] = []
        for runDir in runDirs {
            let path = RunFolderPaths.absolute(runDir)
            guard FileManager.default.fileExists(atPath: path + "/ledger.jsonl") else {
                throw CLIError.usage("\(runDir) is not a run folder (it has no ledger.jsonl)")
            }
            folders.append(path)
        }
        let loopback = ReviewGuard.isLoopback(host)
        let access = loopback ? nil : ReviewGuard.randomToken()
        let pageToken = ReviewGuard.randomToken()
        let console = Console()
        let host = self.host
        let shownFolders = folders
        let open = self.open
        let announced = Announced()
        let server = ReviewServer(folders: folders, accessToken: access, pageToken: pageToken, environment: environment)
        try await server.run(host: host, port: port) { bound in
            guard announced.first() else { return }
            let shown = host.contains(":") ? "[\(host)]" : host
            let url = "http://\(shown):\(bound)/" + (access.map { "?token=\($0)" } ?? "")
            console.out(url)
            console.err("review room of \(shownFolders.joined(separator: ", ")): open \(url) (press ? on the page for its keys; Ctrl-C stops it)")
            if open { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["xdg-open", url]) }
        }
    }
}

/// Whether the URL was printed (the server may say it is running more than once).
final class Announced: Sendable {
    private let done = Mutex(false)
    func first() -> Bool { done.withLock { was in defer { was = true }; return !was } }
}
