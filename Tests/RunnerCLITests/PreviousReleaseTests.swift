import Foundation
import Testing

/// Run folders written by the previous release (`Tests/Fixtures/previous-release`, with their ledgers, checkpoints,
/// picks and outputs) open, fold and resume with the same keys: nothing is rendered again.
@Suite("Folders of the previous release")
struct PreviousReleaseTests {
    static let fixture = CLIProcess.packageRoot.appendingPathComponent("Tests/Fixtures/previous-release")

    /// A copy of the fixture to work in (a resume appends to the ledger), its frames touched: the resume cannot
    /// take the shortcut of a folder whose inputs are as its last run read them, and plans every job's key afresh.
    static func copy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-previous-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture, to: folder)
        let frames = folder.appendingPathComponent("board/frames")
        for name in try FileManager.default.contentsOfDirectory(atPath: frames.path) {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: frames.appendingPathComponent(name).path)
        }
        return folder
    }

    static func lines(_ ledger: URL) throws -> [[String: Any]] {
        try String(contentsOf: ledger, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("each folder resumes with nothing submitted, every job still completed", arguments: ["storyboard", "mixed-models", "continuity"])
    func resumes(manifest: String) async throws {
        let folder = try Self.copy()
        let ledger = folder.appendingPathComponent("\(manifest)-run/ledger.jsonl")
        let before = try Self.lines(ledger)
        let intentsBefore = before.filter { $0["event"] as? String == "submit_intent" }.count
        #expect(intentsBefore > 0)
        let run = try await CLIProcess.run(
            ["run", "board/\(manifest).yaml", "--simulate", "--out", "\(manifest)-run", "--progress", "plain"], in: folder
        )
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains("nothing to do: the manifest"), "the keys were planned again, not reused")
        let after = try Self.lines(ledger)
        #expect(after.filter { $0["event"] as? String == "submit_intent" }.count == intentsBefore, "nothing submitted again: \(run.stdout)")
        let newEvents = after.dropFirst(before.count).compactMap { $0["event"] as? String }
        #expect(!newEvents.contains("submitted") && !newEvents.contains("downloaded"), "\(newEvents)")
        let status = try await CLIProcess.run(["status", "\(manifest)-run", "--json"], in: folder)
        let root = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let jobs = root?["jobs"] as? [[String: Any]] ?? []
        #expect(!jobs.isEmpty && jobs.allSatisfy { $0["state"] as? String == "completed" }, "\(status.stdout)")
    }

    @Test("the previous release's pick and checkpoint read back: the picked take is the one the cut uses")
    func pickAndCheckpoint() async throws {
        let folder = try Self.copy()
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("storyboard-run/ledger.checkpoint").path))
        let status = try await CLIProcess.run(["status", "storyboard-run", "--json"], in: folder)
        #expect(status.status == 0, "\(status.stderr)")
        let root = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let jobs = root?["jobs"] as? [[String: Any]] ?? []
        let picked = jobs.filter { $0["picked"] as? Bool == true }.compactMap { $0["id"] as? String }
        #expect(picked == ["dusk/window~2"])
        #expect(jobs.count == 13)
    }
}
