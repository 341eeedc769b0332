import ChildProcessSupport
import Foundation
import Testing

/// Faults of the machine, not the service: a disk that fills while videos download or while the ledger grows, a
/// read-only run folder, a run folder removed mid-run. Each stops with exit 6 and a message saying what to do,
/// leaves the ledger whole, and a second run finishes the batch without paying for anything twice. Small disks
/// are tmpfs mounts made inside `unshare --user --map-root-user --mount`, so no root is needed and nothing
/// outside the test's own mount namespace sees them.
@Suite("machine faults", .serialized)
struct MachineFaultTests {
    struct Scene {
        let dir: URL
        let manifest: String
        let simulator: SimulatorProcess
    }

    private func scene(jobs: Int, simulator arguments: [String]) async throws -> Scene {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-machine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("mnt"), withIntermediateDirectories: true)
        var text = "version: 1\nshots:\n"
        for n in 1...jobs { text += "  - {id: s\(n), image: https://cdn.example.com/\(n).png, prompt: \"Shot \(n) of a long take.\"}\n" }
        let manifest = dir.appendingPathComponent("board.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: manifest))
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--render-seconds", "5-20", "--queue-seconds", "0-0"] + arguments)
        return Scene(dir: dir, manifest: manifest, simulator: simulator)
    }

    /// Runs a shell script in a mount namespace of its own; `$BIN`, `$MANIFEST`, `$URL`, `$MNT` and `$OUT` are set.
    private func script(_ scene: Scene, _ body: String, environment: [String: String] = [:]) async throws -> ChildProcess.Result {
        let run = "\"$BIN\" run \"$MANIFEST\" --base-url \"$URL\" --yes --poll-min 10ms --progress plain --concurrency 2"
        let text = "set -u\nrun() { \(run) \"$@\"; }\n" + body
        return try await ChildProcess.run("/usr/bin/unshare", ["--user", "--map-root-user", "--mount", "/bin/sh", "-c", text], environment: [
            "BIN": CLIProcess.binary.path, "MANIFEST": scene.manifest, "URL": scene.simulator.baseURL,
            "MNT": scene.dir.appendingPathComponent("mnt").path, "OUT": scene.dir.path, "RUNCOMFY_API_TOKEN": "machine-token",
        ].merging(environment) { $1 })
    }

    private func read(_ scene: Scene, _ name: String) -> String {
        (try? String(contentsOf: scene.dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    private func stats(_ scene: Scene) async throws -> [String: Any] {
        let output = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", scene.simulator.baseURL + "/_sim/stats"]).stdout
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    /// Every line of a ledger is a whole JSON object.
    private func expectWholeLines(_ ledger: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!ledger.isEmpty, sourceLocation: sourceLocation)
        #expect(ledger.isEmpty || ledger.hasSuffix("\n"), "torn last line", sourceLocation: sourceLocation)
        for line in ledger.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not a whole line: \(line.prefix(200))", sourceLocation: sourceLocation)
        }
    }

    /// No body accepted twice, and every job completed.
    private func expectFinishedOnce(_ scene: Scene, jobs: Int, folder: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let stats = try await stats(scene)
        let byBody = stats["accepted_by_body"] as? [String: Int] ?? [:]
        #expect(byBody.count == jobs && byBody.values.allSatisfy { $0 == 1 }, "\(byBody)", sourceLocation: sourceLocation)
        let status = try await CLIProcess.run(["status", folder, "--json"])
        let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let states = (document?["jobs"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
        #expect(states.count == jobs && states.allSatisfy { $0 == "completed" }, "\(states)", sourceLocation: sourceLocation)
    }

    @Test("the disk fills while videos download: submits stop, jobs in flight finish, exit 6 with what to free; a second run downloads the rest")
    func diskFullDuringDownloads() async throws {
        let scene = try await scene(jobs: 8, simulator: ["--clip-bytes", "300000"])
        let result = try await script(scene, """
            mount -t tmpfs -o size=1m tmpfs "$MNT" || exit 99
            run --out "$MNT/run" > "$OUT/first.out" 2> "$OUT/first.err"; echo $? > "$OUT/first.status"
            cp "$MNT/run/ledger.jsonl" "$OUT/first.ledger"
            ls "$MNT/run" > "$OUT/first.files"
            mount -o remount,size=16m "$MNT" || exit 98
            run --out "$MNT/run" > "$OUT/second.out" 2> "$OUT/second.err"; echo $? > "$OUT/second.status"
            "$BIN" status "$MNT/run" --json > "$OUT/status.json"
            cp -r "$MNT/run" "$OUT/final"
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(read(scene, "first.status").trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(read(scene, "first.err"))")
        #expect(read(scene, "first.err").contains("is full: free at least"), "\(read(scene, "first.err"))")
        #expect(!read(scene, "first.files").contains(".partial-"), "a partial video was left behind")
        expectWholeLines(read(scene, "first.ledger"))
        #expect(read(scene, "second.status").trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(read(scene, "second.err"))")
        try await expectFinishedOnce(scene, jobs: 8, folder: scene.dir.appendingPathComponent("final").path)
    }

    @Test("the disk fills while the ledger grows: exit 6, whole lines only, no render paid for twice")
    func diskFullInLedger() async throws {
        let scene = try await scene(jobs: 40, simulator: [])
        let result = try await script(scene, """
            mount -t tmpfs -o size=16k tmpfs "$MNT" || exit 99
            run --out "$MNT/run" --no-download > "$OUT/first.out" 2> "$OUT/first.err"; echo $? > "$OUT/first.status"
            cp "$MNT/run/ledger.jsonl" "$OUT/first.ledger"
            mount -o remount,size=4m "$MNT" || exit 98
            run --out "$MNT/run" > "$OUT/second.out" 2> "$OUT/second.err"; echo $? > "$OUT/second.status"
            cp -r "$MNT/run" "$OUT/final"
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let firstErr = read(scene, "first.err")
        #expect(read(scene, "first.status").trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(firstErr)")
        #expect(firstErr.contains("disk is full") || firstErr.contains("is full: free at least"), "\(firstErr)")
        expectWholeLines(read(scene, "first.ledger"))
        // Whatever the ledger could not record was printed for `adopt`; nothing was accepted twice.
        let stats = try await stats(scene)
        let byBody = stats["accepted_by_body"] as? [String: Int] ?? [:]
        #expect(byBody.values.allSatisfy { $0 == 1 }, "\(byBody)")
        let status = try await CLIProcess.run(["status", scene.dir.appendingPathComponent("final").path, "--json"])
        let jobs = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.count == 40)
        for job in jobs where job["state"] as? String != "completed" {
            #expect(job["state"] as? String == "unknown_outcome", "\(job)")
            // Accepted and unrecorded (printed for adopt), or withdrawn before its POST and said so.
            let id = job["id"] as? String ?? "?"
            #expect(firstErr.contains("IMPORTANT: \(id) was accepted as") || firstErr.contains("note: \(id) was never sent"), "\(job)")
        }
    }

    @Test("a read-only run folder: exit 6 naming the cause, nothing submitted")
    func readOnlyFolder() async throws {
        let scene = try await scene(jobs: 3, simulator: [])
        let result = try await script(scene, """
            mount -t tmpfs -o size=1m tmpfs "$MNT" || exit 99
            mkdir "$MNT/run"
            mount -o remount,ro "$MNT" || exit 98
            run --out "$MNT/run" > "$OUT/first.out" 2> "$OUT/first.err"; echo $? > "$OUT/first.status"
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(read(scene, "first.status").trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(read(scene, "first.err"))")
        #expect(read(scene, "first.err").contains("read-only file system"), "\(read(scene, "first.err"))")
        #expect(try await stats(scene)["accepted_submits"] as? Int == 0)
    }

    @Test("the run folder is removed mid-run: exit 6, the folder made again with the ids paid for; a second run finishes without paying twice")
    func folderRemoved() async throws {
        let scene = try await scene(jobs: 10, simulator: ["--render-seconds", "200-400"])
        let out = scene.dir.appendingPathComponent("run").path
        let first = try await CLIProcess.run(
            ["run", scene.manifest, "--base-url", scene.simulator.baseURL, "--yes", "--poll-min", "10ms", "--concurrency", "4", "--out", out],
            environment: ["RUNCOMFY_API_TOKEN": "t", "SHOTRUNNER_FAULT_AFTER_LINES": "9:RMRF"]
        )
        #expect(first.status == 6, "\(first.stderr)")
        #expect(first.stderr.contains("removed while the run was going"), "\(first.stderr)")
        let ledger = (try? String(contentsOfFile: out + "/ledger.jsonl", encoding: .utf8)) ?? ""
        expectWholeLines(ledger)
        let accepted = try await stats(scene)["accepted_submits"] as? Int ?? 0
        #expect(accepted > 0)
        #expect(ledger.components(separatedBy: "\"submitted\"").count - 1 == accepted, "every accepted request is in the new ledger")
        let second = try await CLIProcess.run(
            ["run", scene.manifest, "--base-url", scene.simulator.baseURL, "--yes", "--poll-min", "10ms", "--concurrency", "4", "--out", out],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(second.status == 0, "\(second.stderr)")
        try await expectFinishedOnce(scene, jobs: 10, folder: out)
    }
}
