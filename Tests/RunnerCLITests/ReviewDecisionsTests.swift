import ChildProcessSupport
import Foundation
import JSON
import ResultsLedger
@testable import RunnerCLI
import Testing

/// Issue 32's decisions end to end, by the built binary against `shotrunner simulate`: approval gates on the
/// continuity example's keyframes, a retake shown by `plan` and rendered by the next run, and decisions taken while a
/// run holds the folder.
@Suite("decisions: approval gates, retakes, picks", .serialized)
struct ReviewDecisionsTests {
    struct Board {
        let folder: URL
        let manifest: URL
        let out: URL
        let simulator: SimulatorProcess
    }

    /// The continuity example with `approve: true` on its keyframes (in their scene's defaults), and a simulator.
    private func board() async throws -> Board {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("frames"), withIntermediateDirectories: true)
        let examples = CLIProcess.packageRoot.appendingPathComponent("manifests")
        var text = try String(contentsOf: examples.appendingPathComponent("continuity.yaml"), encoding: .utf8)
        let defaults = #"defaults: {aspect_ratio: "16:9", resolution: 2K, output_format: png}"#
        #expect(text.contains(defaults))
        text = text.replacingOccurrences(of: defaults, with: #"defaults: {aspect_ratio: "16:9", resolution: 2K, output_format: png, approve: true}"#)
        let manifest = folder.appendingPathComponent("continuity.yaml")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: examples.appendingPathComponent("frames/10-radio.png"), to: folder.appendingPathComponent("frames/10-radio.png")
        )
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--seed", "7"])
        return Board(folder: folder, manifest: manifest, out: folder.appendingPathComponent("out"), simulator: simulator)
    }

    private func arguments(_ board: Board, _ extra: [String] = []) -> [String] {
        ["run", board.manifest.path, "--base-url", board.simulator.baseURL, "--out", board.out.path, "--yes", "--poll-min", "10ms", "--progress", "plain"]
            + extra
    }

    private func run(_ board: Board, _ extra: [String] = []) async throws -> CLIProcess.Result {
        try await CLIProcess.run(arguments(board, extra), environment: ["RUNCOMFY_API_TOKEN": "review-token"])
    }

    private func accepted(_ board: Board) async throws -> Int? {
        let output = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", board.simulator.baseURL + "/_sim/stats"]).stdout
        return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["accepted_submits"] as? Int
    }

    private func status(_ board: Board) async throws -> [String: [String: Any]] {
        let result = try await CLIProcess.run(["status", board.out.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: jobs.map { ($0["id"] as? String ?? "", $0) })
    }

    @Test("approve: true holds the clips until their keyframes are approved; an edited keyframe must be approved again")
    func gates() async throws {
        let board = try await board()
        defer { try? FileManager.default.removeItem(at: board.folder) }
        let first = try await run(board)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("2 jobs wait for an approval"), "\(first.stderr)")
        var jobs = try await status(board)
        #expect(jobs["keyframes/dusk"]?["state"] as? String == "completed")
        #expect(jobs["clips/keeper"]?["state"] as? String == "completed")
        #expect(jobs["clips/nightfall"]?["state"] as? String == "awaiting_approval")
        #expect(jobs["clips/nightfall"]?["waiting_on"] as? [String] == ["keyframes/dusk", "keyframes/storm"])
        #expect(jobs["clips/beam"]?["state"] as? String == "awaiting_approval")
        #expect(jobs["keyframes/dusk"]?["approved"] as? Bool == false)
        #expect(try await accepted(board) == 3, "the keyframes and the independent clip only")

        // Approving one keyframe is not enough; approving both lets the next run render the clips.
        let one = try await CLIProcess.run(["approve", board.out.path, "keyframes/dusk"])
        #expect(one.status == 0 && one.stdout.contains("approved"), "\(one.stderr)")
        #expect(try await run(board).status == 0)
        #expect(try await accepted(board) == 3)
        let notRendered = try await CLIProcess.run(["approve", board.out.path, "clips/beam"])
        #expect(notRendered.status == 2 && notRendered.stderr.contains("not completed"), "\(notRendered.stderr)")
        #expect(try await CLIProcess.run(["approve", board.out.path, "keyframes/storm"]).status == 0)
        let second = try await run(board)
        #expect(second.status == 0, "\(second.stderr)")
        jobs = try await status(board)
        #expect(jobs.values.allSatisfy { $0["state"] as? String == "completed" })
        #expect(jobs["keyframes/storm"]?["approved"] as? Bool == true)
        #expect(try await accepted(board) == 5)

        // An edited keyframe renders again and must be approved again; the other's approval still holds.
        let text = try String(contentsOf: board.manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "lamp just lit, painterly", with: "lamp just lit, in oils").write(to: board.manifest, atomically: true, encoding: .utf8)
        let third = try await run(board)
        #expect(third.status == 0, "\(third.stderr)")
        jobs = try await status(board)
        #expect(jobs["keyframes/dusk"]?["approved"] as? Bool == false)
        #expect(jobs["keyframes/storm"]?["approved"] as? Bool == true)
        #expect(jobs["clips/nightfall"]?["state"] as? String == "awaiting_approval")
        #expect(jobs["clips/nightfall"]?["waiting_on"] as? [String] == ["keyframes/dusk"])
        #expect(try await accepted(board) == 6, "the edited keyframe only")
    }

    @Test("a retake: plan shows it with its cost, the next run renders one more take, earlier takes untouched")
    func retake() async throws {
        let board = try await board()
        defer { try? FileManager.default.removeItem(at: board.folder) }
        #expect(try await run(board).status == 0)
        let before = try await status(board)
        let asked = try await CLIProcess.run(["retake", board.out.path, "clips/keeper", "--note", "warmer light"])
        #expect(asked.status == 0 && asked.stdout.contains("clips/keeper~2"), "\(asked.stderr)")
        let again = try await CLIProcess.run(["retake", board.out.path, "clips/keeper", "--note", "warmer light, closer"])
        #expect(again.status == 0 && again.stdout.contains("clips/keeper~2"), "a second request before a run changes the note: \(again.stdout)")
        let plan = try await CLIProcess.run(["plan", board.manifest.path, "--out", board.out.path])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("clips/keeper~2") && plan.stdout.contains("$0.5600"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("clips/keeper "), "the earlier take needs nothing: \(plan.stdout)")
        let unknown = try await CLIProcess.run(["retake", board.out.path, "clips/keepr"])
        #expect(unknown.status == 2 && unknown.stderr.contains("did you mean 'clips/keeper'"), "\(unknown.stderr)")

        let submitsBefore = try await accepted(board)
        #expect(try await run(board).status == 0)
        #expect(try await accepted(board) == submitsBefore.map { $0 + 1 })
        let after = try await status(board)
        #expect(after["clips/keeper~2"]?["state"] as? String == "completed")
        let retake = try #require(after["clips/keeper~2"]?["retake"] as? [String: Any])
        #expect(retake["note"] as? String == "warmer light, closer" && retake["take"] as? Int == 2)
        #expect(after["clips/keeper"]?["key"] as? String == before["clips/keeper"]?["key"] as? String)
        #expect(after["clips/keeper"]?["retake"] is NSNull, "rendered: nothing is pending for the shot")
        let nothing = try await CLIProcess.run(["retake", board.out.path, "clips/keeper", "--clear"])
        #expect(nothing.stdout.contains("no retake is waiting"), "\(nothing.stdout)")
        // The shot rendered once is its own first take: it can be picked beside the retake.
        #expect(try await CLIProcess.run(["pick", board.out.path, "clips/keeper"]).status == 0)
        #expect(try await status(board)["clips/keeper"]?["picked"] as? Bool == true)
        // A request withdrawn before a run renders nothing.
        #expect(try await CLIProcess.run(["retake", board.out.path, "clips/keeper"]).stdout.contains("clips/keeper~3"))
        #expect(try await CLIProcess.run(["retake", board.out.path, "clips/keeper", "--clear"]).stdout.contains("withdrawn"))
        let submits = try await accepted(board)
        #expect(try await run(board).status == 0)
        #expect(try await accepted(board) == submits)

        // A retake of the storyboard's first shot stands with its shot, in the list and in the review room.
        #expect(try await CLIProcess.run(["retake", board.out.path, "keyframes/dusk", "--note", "bluer"]).status == 0)
        #expect(try await run(board).status == 0)
        let fold = try Ledger.fold(folder: board.out.path)
        let listed = Dictionary(uniqueKeysWithValues: fold.planned.map { ($0.id, $0.index) })
        #expect(listed["keyframes/dusk~2"] == listed["keyframes/dusk"] && listed["keyframes/dusk"] == 0)
        let room = ReviewBoard(folders: [.init(path: board.out.path, fold: fold)], shots: ContactSheet.shots(manifestPath: fold.manifestPath))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(room.json().compact.utf8)) as? [String: Any])
        let shots = (document["scenes"] as? [[String: Any]] ?? []).flatMap { $0["shots"] as? [[String: Any]] ?? [] }
        let ids = shots.compactMap { $0["id"] as? String }
        #expect(ids == ["keyframes/dusk", "keyframes/storm", "clips/nightfall", "clips/beam", "clips/keeper"])
        let duskTakes = (shots.first?["takes"] as? [[String: Any]] ?? []).compactMap { $0["job"] as? String }
        #expect(duskTakes == ["keyframes/dusk", "keyframes/dusk~2"])
    }

    @Test("--wait-approval: a run keeps the folder while a reviewer approves; the clips render in that run, nothing lost")
    func waitForApproval() async throws {
        let board = try await board()
        defer { try? FileManager.default.removeItem(at: board.folder) }
        let process = Process()
        process.executableURL = CLIProcess.binary
        process.arguments = arguments(board, ["--wait-approval"])
        process.environment = ChildProcess.environment(adding: ["RUNCOMFY_API_TOKEN": "review-token"])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Both keyframes rendered, the clips held: the run says so and goes on waiting.
        let held = await ChildProcess.firstLine(of: out.fileHandleForReading, containing: "awaiting_approval")
        #expect(held != nil)
        // Decisions while the run holds the folder's lock: taken at once, durable, none lost.
        #expect(try await CLIProcess.run(["pick", board.out.path, "clips/keeper"]).status == 0)
        #expect(try await CLIProcess.run(["approve", board.out.path, "keyframes/dusk"]).status == 0)
        #expect(try await CLIProcess.run(["approve", board.out.path, "keyframes/storm"]).status == 0)
        let ended = await ChildProcess.firstLine(of: out.fileHandleForReading, containing: "clips/beam: completed")
        #expect(ended != nil, "the clips render in the same run")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let jobs = try await status(board)
        #expect(jobs.values.allSatisfy { $0["state"] as? String == "completed" })
        #expect(jobs["clips/keeper"]?["picked"] as? Bool == true)
        #expect(jobs["keyframes/dusk"]?["approved"] as? Bool == true && jobs["keyframes/storm"]?["approved"] as? Bool == true)
        let decisions = try String(contentsOf: board.out.appendingPathComponent("decisions.jsonl"), encoding: .utf8)
        #expect(decisions.split(separator: "\n").count == 3)
        #expect(try await accepted(board) == 5)
    }
}
