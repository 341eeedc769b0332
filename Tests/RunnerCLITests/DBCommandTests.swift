import ChildProcessSupport
import Foundation
import Testing

/// `shotrunner db migrate` against a throwaway PostgreSQL server (Debian's postgresql, installed by `make test`).
@Suite("db migrate, status --ledger", .serialized)
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
        #expect(first.status == 0 && first.stdout.contains("schema version 0 -> \(3)"), "\(first.stdout) \(first.stderr)")
        #expect(!(first.stdout + first.stderr).contains("hunter2"))
        let again = try await CLIProcess.run(["db", "migrate"], environment: ["SHOTRUNNER_LEDGER_URL": url])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout) \(again.stderr)")
        // Through the server's Unix socket (its folder is the throwaway's own), as libpq's host=/dir.
        let port = url.split(separator: ":").last?.split(separator: "/").first.map(String.init) ?? ""
        let socket = try await CLIProcess.run(["db", "migrate", "--ledger", "postgres://shotrunner@:\(port)/shotrunner?host=\(folder)"])
        #expect(socket.status == 0 && socket.stdout.contains("nothing to do"), "\(socket.stdout) \(socket.stderr)")
        let bad = try await CLIProcess.run(["db", "migrate", "--ledger", "postgres://nobody@127.0.0.1/x?sslmode=sometimes"])
        #expect(bad.status == 2 && bad.stderr.contains("sslmode 'sometimes'"), "\(bad.stderr)")
        let none = try await CLIProcess.run(["db", "migrate"])
        #expect(none.status == 2 && none.stderr.contains("--ledger"), "\(none.stderr)")

        // status --ledger: a batch's lines (one worker alive, one whose lease lapsed) read from the database.
        let sql = folder + ".sql"
        let opening = #"{"v":1,"t":"2026-12-07T10:00:00.000Z","event":"run_started","job":"","base_url":"http://127.0.0.1:9","manifest":"/m.yaml","manifest_sha256":"ab","jobs":[{"id":"a","index":0,"key":"v1:a","duration":5,"sound":false,"estimated_cost":0.56},{"id":"b","index":1,"key":"v1:b","duration":5,"sound":false,"estimated_cost":0.56}]}"#
        let submitted = #"{"v":1,"t":"2026-12-07T10:00:01.000Z","event":"submitted","job":"a","key":"v1:a","request_id":"req_a"}"#
        try """
            INSERT INTO shotrunner.batches (name, account) VALUES ('nightly', 'acct');
            INSERT INTO shotrunner.workers (id, batch, host, pid, lease_until) VALUES ('w1', 'nightly', 'render-1', 11, now() + interval '1 minute');
            INSERT INTO shotrunner.workers (id, batch, host, pid, lease_until) VALUES ('w2', 'nightly', 'render-2', 12, now() - interval '1 minute');
            INSERT INTO shotrunner.events (batch, worker, line) VALUES ('nightly', 'w1', '\(opening)'), ('nightly', 'w1', '\(submitted)');
            """.write(toFile: sql, atomically: true, encoding: .utf8)
        let loaded = try await ChildProcess.run("/usr/bin/env", ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", sql])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let status = try await CLIProcess.run(["status", "--ledger", withPassword, "--batch", "nightly", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(document["batch"] as? String == "nightly" && !(document["ledger"] as? String ?? "hunter2").contains("hunter2"))
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["state"] as? String } == ["queued", "pending"])
        #expect(jobs.first?["request_id"] as? String == "req_a")
        let workers = try #require(document["workers"] as? [[String: Any]])
        #expect(workers.map { $0["id"] as? String } == ["w1", "w2"] && workers.map { $0["alive"] as? Bool } == [true, false])
        let table = try await CLIProcess.run(["status", "--ledger", url, "--batch", "nightly"])
        #expect(table.stdout.contains("worker w2 on render-2 (pid 12)") && table.stdout.contains("lapsed"), "\(table.stdout)")
        let missing = try await CLIProcess.run(["status", "--ledger", url, "--batch", "other"])
        #expect(missing.status == 2 && missing.stderr.contains("no batch 'other'"), "\(missing.stderr)")
        let noBatch = try await CLIProcess.run(["status", "--ledger", url])
        #expect(noBatch.status == 2 && noBatch.stderr.contains("--batch"), "\(noBatch.stderr)")
        _ = try await ChildProcess.run(script, ["stop", folder])
    }
}
