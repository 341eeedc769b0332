import ChildProcessSupport
import Foundation
import Testing

/// `shotrunner db migrate` against a throwaway PostgreSQL server (Debian's postgresql, installed by `make test`).
@Suite("db migrate", .serialized)
struct DBCommandTests {
    @Test("creates the schema once, says so, never prints the password; a URL that cannot be used is exit 2")
    func migrate() async throws {
        let script = CLIProcess.packageRoot.appendingPathComponent("Tools/testing/pg_throwaway.sh").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-pg-\(UUID().uuidString)").path
        let started = try await ChildProcess.run(script, ["start", folder])
        #expect(started.status == 0, "\(started.stderr)")
        let url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // The server trusts loopback: a password in the URL is sent and must never be shown.
        let withPassword = url.replacingOccurrences(of: "postgres://shotrunner@", with: "postgres://shotrunner:hunter2@")
        let first = try await CLIProcess.run(["db", "migrate", "--ledger", withPassword])
        #expect(first.status == 0 && first.stdout.contains("schema version 0 -> 1"), "\(first.stdout) \(first.stderr)")
        #expect(!(first.stdout + first.stderr).contains("hunter2"))
        let again = try await CLIProcess.run(["db", "migrate"], environment: ["SHOTRUNNER_LEDGER_URL": url])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout) \(again.stderr)")
        let bad = try await CLIProcess.run(["db", "migrate", "--ledger", "postgres://nobody@127.0.0.1/x?sslmode=sometimes"])
        #expect(bad.status == 2 && bad.stderr.contains("sslmode 'sometimes'"), "\(bad.stderr)")
        let none = try await CLIProcess.run(["db", "migrate"])
        #expect(none.status == 2 && none.stderr.contains("--ledger"), "\(none.stderr)")
        _ = try await ChildProcess.run(script, ["stop", folder])
    }
}
