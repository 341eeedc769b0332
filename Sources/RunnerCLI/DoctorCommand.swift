import ArgumentParser
import Foundation
import JSON
import JobManifest
import ModelAPI

/// `shotrunner doctor [--base-url URL] [--out DIR] [--json]`
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine is ready to render: token, API, price, catalogue, ffmpeg, disk, lock.",
        discussion: """
            One line per check: pass, warn, fail or skip. The base URL passes on any HTTP answer of GET \
            /v1/models/{id}, the token when that answer is 2xx, the price when it carries one; an old catalogue \
            and a missing ffmpeg are warnings; free disk space below 1 GiB in --out (else the current folder) fails; \
            with --out, a folder locked by another process fails. Exit 0 when nothing failed, else 3. Submits nothing.
            """
    )

    @Option(name: .customLong("base-url"), help: "The API's base URL (default: RUNCOMFY_BASE_URL, else https://model-api.runcomfy.net).")
    var baseURL: String?

    @Option(name: .customLong("token-file"), help: "Read the API token from this file (mode 600) instead of RUNCOMFY_API_TOKEN.")
    var tokenFile: String?

    @Option(help: "A run folder: its disk's free space and its lock are checked.")
    var out: String?

    @Flag(help: "Print {\"ok\", \"checks\": [{\"name\", \"status\", \"detail\"}]}.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let console = Console()
        var checks: [DoctorCheck] = []
        var token: Token?
        do {
            token = try Credentials.token(file: tokenFile, environment: environment)
        } catch {
            checks.append(DoctorCheck(name: "token file", outcome: .fail, detail: "\(error)"))
        }
        let base = Credentials.baseURL(option: baseURL, environment: environment)
        checks += await DoctorChecks.api(baseURL: base, token: token, modelID: ModelSchema.klingO3ProImageToVideo.modelID)
        checks.append(DoctorChecks.catalogue(environment: environment))
        checks.append(DoctorChecks.ffmpeg(environment: environment))
        let folder = out.map(RunFolderPaths.absolute)
        checks.append(DoctorChecks.disk(folder: folder ?? FileManager.default.currentDirectoryPath))
        checks.append(DoctorChecks.lock(folder: folder))
        let failed = checks.contains { $0.outcome == .fail }
        if json {
            console.out(JSONValue.object([("ok", .bool(!failed)), ("checks", .array(checks.map(\.json)))]).pretty)
        } else {
            for check in checks { console.out(check.line) }
        }
        if failed { throw CLIError.exit(ExitStatus.fatalSetup) }
    }
}
