import Foundation
import Testing

/// A resume whose manifest, models, filter and local files are unchanged, with nothing left to do: it reuses the
/// folder's job list (a short `run_started`), and anything else goes the whole way.
@Suite("resume of an unchanged manifest")
struct UnchangedResumeTests {
    private func lines(_ folder: URL) throws -> [[String: Any]] {
        try String(contentsOf: folder.appendingPathComponent("ledger.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    private func runStarts(_ folder: URL) throws -> [[String: Any]] {
        try lines(folder).filter { $0["event"] as? String == "run_started" }
    }

    @Test("unchanged: a short run_started naming the list it reuses, the same status; a touched frame, an edit or --only go the whole way; a deleted checkpoint changes nothing")
    func reuseAndFallBack() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-unchanged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let frame = Array(try Data(contentsOf: CLIProcess.packageRoot.appendingPathComponent("manifests/frames/10-radio.png")))
        try Data(frame).write(to: folder.appendingPathComponent("f.png"))
        let manifest = folder.appendingPathComponent("m.yaml")
        try "version: 1\nshots:\n  - {id: a, image: f.png, prompt: A.}\n  - {id: b, image: f.png, prompt: B., takes: 2}\n"
            .write(to: manifest, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        func run(_ extra: [String] = []) async throws -> CLIProcess.Result {
            try await CLIProcess.run(["run", manifest.path, "--simulate", "--out", out.path] + extra)
        }
        #expect(try await run().status == 0)
        let first = try runStarts(out)
        #expect(first.count == 1 && (first[0]["jobs"] as? [Any])?.count == 3)
        #expect((first[0]["media"] as? [[String: Any]])?.first?["path"] as? String == folder.appendingPathComponent("f.png").path)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("ledger.checkpoint").path))
        let status = try await CLIProcess.run(["status", out.path, "--json"]).stdout

        // Nothing changed: the list is reused.
        let again = try await run()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("nothing to do: the manifest"), "\(again.stderr)")
        let second = try runStarts(out)
        #expect(second.count == 2 && second[1]["jobs"] == nil)
        #expect(second[1]["same_jobs_as"] as? String == first[0]["t"] as? String)
        #expect(try await CLIProcess.run(["status", out.path, "--json"]).stdout == status, "status reads the same")
        #expect(try lines(out).last?["event"] as? String == "run_finished")

        // The frame touched (same bytes, a new time): expanded afresh, and still nothing renders (same keys).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: folder.appendingPathComponent("f.png").path)
        let touched = try await run()
        #expect(touched.status == 0 && !touched.stderr.contains("nothing to do"), "\(touched.stderr)")
        #expect((try runStarts(out).last?["jobs"] as? [Any])?.count == 3)
        #expect(try lines(out).filter { $0["event"] as? String == "submit_intent" }.count == 3)

        // --only differs from the list's filter: the whole way.
        #expect(try await !run(["--only", "a"]).stderr.contains("nothing to do"))
        // A deleted checkpoint changes nothing but the time: the ledger alone gives the same decision, and a new
        // checkpoint is written at the end.
        // (The list now records --only a: the next run without it goes the whole way once more.)
        #expect(try await !run().stderr.contains("nothing to do"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("ledger.checkpoint"))
        let rebuilt = try await run()
        #expect(rebuilt.status == 0 && rebuilt.stderr.contains("nothing to do"), "\(rebuilt.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("ledger.checkpoint").path))

        // An edited frame (other bytes): the whole way, and that job renders again.
        // Other bytes, still a PNG: another frame in its place.
        let edited = try Data(contentsOf: CLIProcess.packageRoot.appendingPathComponent("manifests/frames/11-calm-sea.png"))
        try edited.write(to: folder.appendingPathComponent("f.png"))
        let changed = try await run()
        #expect(changed.status == 0 && !changed.stderr.contains("nothing to do"))
        #expect(try lines(out).filter { $0["event"] as? String == "submit_intent" }.count == 6, "all three jobs use the frame")
        #expect(try await run().stderr.contains("nothing to do"))

        // A completed job's video gone from the folder: not nothing to do (it is fetched again), and nothing submitted.
        let video = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.hasSuffix(".mp4") })
        try FileManager.default.removeItem(at: out.appendingPathComponent(video))
        let missing = try await run()
        #expect(!missing.stderr.contains("nothing to do"), "\(missing.stderr)")
        #expect(try lines(out).filter { $0["event"] as? String == "submit_intent" }.count == 6)
    }
}
