import ChildProcessSupport
import Foundation
import Testing

/// The token goes to the API's Authorization header and nowhere else. A whole batch runs with a recognisable
/// token against a simulator that fires every fault it has, through every command that takes a token, through
/// a refused token and a refused token file; then every byte shotrunner printed or wrote is searched for it.
@Suite("Secrets", .serialized)
struct SecretsTests {
    static let token = "sk-live-SHOTRUNNER-CANARY-7f3a9c"
    static let wrongToken = "sk-live-WRONG-CANARY-51d0e2"

    @Test("the token is in no output, log, error, ledger, summary, report or file of any run")
    func tokenNeverWritten() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var text = "version: 1\nshots:\n"
        for n in 1...40 { text += "  - {id: s\(n), image: https://cdn.example.com/\(n).png, prompt: \"Shot \(n).\", takes: 1}\n" }
        let manifest = dir.appendingPathComponent("board.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: manifest))
        let tokenFile = dir.appendingPathComponent("token").path
        try Data((Self.token + "\n").utf8).write(to: URL(fileURLWithPath: tokenFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        let openFile = dir.appendingPathComponent("token-open").path
        try Data((Self.token + "\n").utf8).write(to: URL(fileURLWithPath: openFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: openFile)
        let linked = dir.appendingPathComponent("token-link").path
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: openFile)

        let simulator = try await SimulatorProcess([
            "--clock-scale", "0.001", "--seed", "11", "--token", Self.token, "--fault-429", "0.05", "--fault-503", "0.05",
            "--fault-500-after-accept", "0.05", "--fault-lost-response", "0.05", "--fault-failed", "0.1", "--fault-unknown-status", "0.1",
            "--fault-200-error", "0.05", "--fault-poll-5xx", "0.05", "--fault-expire", "0.05", "--fault-download", "0.3",
        ])
        let out = dir.appendingPathComponent("run").path
        let env = ["RUNCOMFY_API_TOKEN": Self.token]
        let common = ["--base-url", simulator.baseURL, "--out", out, "--yes", "--poll-min", "10ms"]
        var printed: [String] = []
        func record(_ result: CLIProcess.Result) { printed += [result.stdout, result.stderr] }

        // The token from the environment, every call logged; interrupted once, resumed with the token from a file.
        record(try await CLIProcess.run(["run", manifest, "--verbose", "--progress", "json"] + common,
                                        environment: env.merging(["SHOTRUNNER_FAULT_AFTER_LINES": "30:INT"]) { $1 }))
        // Cancel what the interrupted run left queued or rendering (the token sent with each cancel): exit 0 when
        // all were cancelled, 1 when some were already rendering or a cancel failed.
        let cancel = try await CLIProcess.run(["cancel", out], environment: env)
        #expect(cancel.status == 0 || cancel.status == 1, "cancel exited \(cancel.status): \(cancel.stderr)")
        record(cancel)
        record(try await CLIProcess.run(["run", manifest, "--verbose", "--token-file", tokenFile, "--retry-failed"] + common,
                                        environment: ["RUNCOMFY_API_TOKEN": ""]))
        // A refused token (401 on the first submit), and token files that may not be used.
        let refused = try await CLIProcess.run(
            ["run", manifest, "--verbose", "--base-url", simulator.baseURL, "--out", dir.appendingPathComponent("refused").path, "--yes"],
            environment: ["RUNCOMFY_API_TOKEN": Self.wrongToken]
        )
        record(refused)
        let open = try await CLIProcess.run(["run", manifest, "--token-file", openFile] + common, environment: ["RUNCOMFY_API_TOKEN": ""])
        #expect(open.status == 3 && open.stderr.contains("chmod 600"), "\(open.stderr)")
        record(open)
        let viaLink = try await CLIProcess.run(["plan", manifest, "--token-file", linked, "--base-url", simulator.baseURL], environment: ["RUNCOMFY_API_TOKEN": ""])
        #expect(viaLink.status != 0 && viaLink.stderr.contains("chmod 600"), "a symlink to an open file is refused: \(viaLink.stderr)")
        record(viaLink)
        // Commands that use the token or read the folder.
        record(try await CLIProcess.run(["plan", manifest, "--json", "--base-url", simulator.baseURL, "--out", out], environment: env))
        record(try await CLIProcess.run(["status", out, "--json"], environment: env))
        record(try await CLIProcess.run(["report", out, "--json", "--junit", dir.appendingPathComponent("junit.xml").path,
                                         "--html", dir.appendingPathComponent("sheet.html").path], environment: env))
        // After the resume nothing is left to cancel; the token comes from its file.
        let idle = try await CLIProcess.run(["cancel", out, "--token-file", tokenFile], environment: ["RUNCOMFY_API_TOKEN": ""])
        #expect(idle.status == 0 && idle.stdout.contains("nothing to cancel"), "cancel exited \(idle.status): \(idle.stdout) \(idle.stderr)")
        record(idle)
        // There is no way to give the token on the command line.
        let argv = try await CLIProcess.run(["run", manifest, "--token", Self.token] + common, environment: env)
        #expect(argv.status == 2)
        #expect(refused.status == 3, "a refused token is a setup error: \(refused.stderr)")

        // Every byte printed, and every file written (ledger, summary, reports, videos' names, .corrupt files).
        var leaks: [String] = []
        for (index, text) in printed.enumerated() where text.contains(Self.token) || text.contains(Self.wrongToken) {
            leaks.append("output #\(index)")
        }
        let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        for name in files where !name.hasPrefix("token") {
            let data = (try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data()
            if data.range(of: Data(Self.token.utf8)) != nil || data.range(of: Data(Self.wrongToken.utf8)) != nil || name.contains("CANARY") {
                leaks.append(name)
            }
        }
        #expect(files.contains("run/ledger.jsonl") && files.contains("junit.xml") && files.contains("sheet.html"))
        #expect(printed.joined().contains("POST /v1/models/"), "the verbose log ran")
        #expect(leaks.isEmpty, "the token leaked into: \(leaks)")
    }
}
