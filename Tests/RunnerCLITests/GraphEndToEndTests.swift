import Foundation
import ChildProcessSupport
import Testing

/// Issue 18 end to end: the continuity example and a generated graph, rendered by the built binary against
/// `shotrunner simulate` (separate processes), with the simulator's own books as the judge.
@Suite("storyboard graph, end to end", .serialized)
struct GraphEndToEndTests {
    struct Board {
        let folder: URL
        let manifest: URL
        let out: URL
        let simulator: SimulatorProcess
    }

    /// The example manifest (and the one hand-drawn frame it uses) in a folder of its own, and a simulator.
    private func example(_ simulatorArguments: [String] = []) async throws -> Board {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("frames"), withIntermediateDirectories: true)
        let examples = CLIProcess.packageRoot.appendingPathComponent("manifests")
        try FileManager.default.copyItem(at: examples.appendingPathComponent("continuity.yaml"), to: folder.appendingPathComponent("continuity.yaml"))
        try FileManager.default.copyItem(
            at: examples.appendingPathComponent("frames/10-radio.png"), to: folder.appendingPathComponent("frames/10-radio.png")
        )
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--seed", "5"] + simulatorArguments)
        return Board(
            folder: folder, manifest: folder.appendingPathComponent("continuity.yaml"), out: folder.appendingPathComponent("out"), simulator: simulator
        )
    }

    private func run(_ board: Board, _ extra: [String] = [], environment: [String: String] = [:]) async throws -> CLIProcess.Result {
        try await CLIProcess.run(
            ["run", board.manifest.path, "--base-url", board.simulator.baseURL, "--out", board.out.path, "--yes", "--poll-min", "10ms", "--progress", "plain"]
                + extra,
            environment: ["RUNCOMFY_API_TOKEN": "graph-token"].merging(environment) { $1 }
        )
    }

    private func stats(_ board: Board) async throws -> [String: Any] {
        let output = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", board.simulator.baseURL + "/_sim/stats"]).stdout
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    private func status(_ board: Board) async throws -> [String: [String: Any]] {
        let result = try await CLIProcess.run(["status", board.out.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: jobs.map { ($0["id"] as? String ?? "", $0) })
    }

    private func sha256(_ url: URL) async throws -> String {
        let output = try await ChildProcess.run("/usr/bin/sha256sum", [url.path]).stdout
        return String(output.prefix(64))
    }

    /// The jobs whose submit intents a ledger holds after its `skip`-th `run_started`.
    private func submitted(_ board: Board, afterRun skip: Int) throws -> Set<String> {
        let lines = try String(contentsOf: board.out.appendingPathComponent("ledger.jsonl"), encoding: .utf8).split(separator: "\n")
        var runs = 0
        var jobs = Set<String>()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["event"] as? String == "run_started" { runs += 1 }
            if runs > skip, object["event"] as? String == "submit_intent", let job = object["job"] as? String { jobs.insert(job) }
        }
        return jobs
    }

    @Test("the example renders in order, each clip sending its keyframes' exact bytes or the last frame of the clip before; an edited keyframe re-renders it and the clips that take it, nothing else")
    func continuity() async throws {
        let board = try await example()
        let first = try await run(board)
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        let jobs = try await status(board)
        #expect(jobs.count == 5 && jobs.values.allSatisfy { $0["state"] as? String == "completed" }, "\(jobs)")
        #expect(jobs["clips/beam"]?["waiting_on"] as? [String] == [])

        // What the simulator received, by the digest of each data URI's bytes.
        let media = try #require(try await stats(board)["accepted_media"] as? [String: Int])
        let dusk = try await sha256(board.out.appendingPathComponent("keyframes/dusk.png"))
        let storm = try await sha256(board.out.appendingPathComponent("keyframes/storm.png"))
        #expect(media[dusk] == 1 && media[storm] == 1, "nightfall sent both keyframes as they were downloaded: \(media)")
        let frames = try FileManager.default.contentsOfDirectory(atPath: board.out.appendingPathComponent("frames").path)
        #expect(frames.count == 1 && frames[0].hasPrefix("clips_nightfall.") && frames[0].hasSuffix(".last.png"), "\(frames)")
        let frame = board.out.appendingPathComponent("frames/" + frames[0])
        #expect(try Data(contentsOf: frame).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(media[try await sha256(frame)] == 1, "beam sent the last frame of nightfall")
        // The frame's name carries the digest of the clip it was taken from: the clip as downloaded.
        let nightfall = try await sha256(board.out.appendingPathComponent("clips/nightfall.mp4"))
        #expect(frames[0] == "clips_nightfall.\(nightfall.prefix(8)).last.png")

        // `plan` lists the graph in order, dependents with their sources; with --out, dependents of rendered
        // sources have their real keys, and nothing is left to render.
        let fresh = try await CLIProcess.run(["plan", board.manifest.path, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(fresh.stdout.utf8)) as? [String: Any])
        let listed = try #require(document["jobs"] as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String ?? "" } == ["keyframes/dusk", "keyframes/storm", "clips/nightfall", "clips/beam", "clips/keeper"])
        #expect(listed[3]["after"] as? [String] == ["clips/nightfall"] && listed[3]["key"] as? String == "after:clips/nightfall")
        #expect(listed[4]["after"] as? [String] == [])
        #expect((document["totals"] as? [String: Any])?["jobs"] as? Int == 5, "dependents are in the estimate")
        let done = try await CLIProcess.run(["plan", board.manifest.path, "--out", board.out.path])
        #expect(done.stderr.contains("5 jobs need nothing") && done.stderr.contains("0 submitted"), "\(done.stderr)")

        // An untouched graph renders nothing again.
        let accepted = try await stats(board)["accepted_submits"] as? Int
        #expect(accepted == 5)
        #expect(try await run(board).status == 0)
        #expect(try await stats(board)["accepted_submits"] as? Int == 5)

        // Edit the storm keyframe's prompt: it renders again, and so do nightfall (which takes it) and beam (which
        // takes nightfall's last frame, now another clip's); dusk and keeper are left alone.
        let text = try String(contentsOf: board.manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "in a night storm", with: "in a winter night storm").write(to: board.manifest, atomically: true, encoding: .utf8)
        // Plan shows it first: with --out, the edited keyframe and the clips downstream of it, and nothing else.
        let preview = try await CLIProcess.run(["plan", board.manifest.path, "--out", board.out.path, "--json"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: Any])
        let again = try #require(planned["jobs"] as? [[String: Any]])
        #expect(again.map { $0["id"] as? String ?? "" } == ["keyframes/storm", "clips/nightfall", "clips/beam"])
        #expect(again[1]["after"] as? [String] == ["keyframes/dusk", "keyframes/storm"])
        #expect(again[1]["key"] as? String == "after:keyframes/dusk,keyframes/storm", "its source renders again: no key yet")
        let edited = try await run(board)
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(try submitted(board, afterRun: 2) == ["keyframes/storm", "clips/nightfall", "clips/beam"])
        // (beam's new body may equal its old one: the simulator's clips differ in their container, not their
        // pictures, so nightfall's last frame can come out the same; its key still changes, as the design says.)
        #expect(try await stats(board)["accepted_submits"] as? Int == 8)

        // Edit only the last clip: its sources are all on disk, so it is ready from the start, built from them, and
        // renders alone.
        let current = try String(contentsOf: board.manifest, encoding: .utf8)
        try current.replacingOccurrences(of: "Slow push-in on the lamp room", with: "Slow pull-out from the lamp room").write(to: board.manifest, atomically: true, encoding: .utf8)
        let last = try await run(board)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try submitted(board, afterRun: 3) == ["clips/beam"])
        #expect(try await stats(board)["accepted_submits"] as? Int == 9)
        #expect(try await status(board)["clips/beam"]?["state"] as? String == "completed")
    }

    @Test("a failing keyframe blocks exactly the clips that take it, on record and in status; the rest renders; exit 1")
    func failingSource() async throws {
        let board = try await example(["--fail-prompt", "night storm"])
        let result = try await run(board)
        #expect(result.status == 1, "\(result.stderr)")
        let jobs = try await status(board)
        #expect(jobs["keyframes/storm"]?["state"] as? String == "failed")
        #expect(jobs["keyframes/dusk"]?["state"] as? String == "completed")
        #expect(jobs["clips/keeper"]?["state"] as? String == "completed")
        #expect(jobs["clips/nightfall"]?["state"] as? String == "blocked")
        #expect(jobs["clips/nightfall"]?["blocked_by"] as? [String: String] == ["job": "keyframes/storm", "state": "failed"])
        #expect(jobs["clips/beam"]?["blocked_by"] as? [String: String] == ["job": "clips/nightfall", "state": "blocked"])
        #expect(jobs["clips/beam"]?["attempts"] as? Int == 0)
        #expect(try await stats(board)["accepted_submits"] as? Int == 3, "nothing submitted for the blocked clips")
        #expect(result.stderr.contains("clips/nightfall: blocked"), "\(result.stderr)")
        let text = try await CLIProcess.run(["status", board.out.path])
        #expect(text.stdout.contains("blocked by keyframes/storm (failed)"), "\(text.stdout)")
        // The contact sheet says so too, on the blocked card.
        let sheet = board.folder.appendingPathComponent("sheet.html")
        _ = try await CLIProcess.run(["report", board.out.path, "--html", sheet.path])
        let html = try String(contentsOf: sheet, encoding: .utf8)
        #expect(html.contains("Blocked: its source keyframes/storm is failed; nothing was submitted"))
        #expect(html.contains("data-job=\"clips/beam\" data-state=\"blocked\""))
    }

    @Test("a run that needs a frame and has no ffmpeg stops before its first submit, exit 3, naming the package")
    func noFFmpeg() async throws {
        let board = try await example()
        let result = try await run(board, environment: ["PATH": "/nonexistent"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("'ffmpeg'"), "\(result.stderr)")
        #expect(try await stats(board)["accepted_submits"] as? Int == 0)
    }

    @Test("killed with SIGKILL after the k-th ledger line, again and again, then resumed: nothing paid twice, every render with a recorded id collected, dependents keyed by their sources")
    func sigkill() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-graph-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var text = "version: 1\nshots:\n"
        for chain in 1...4 {
            text += "  - {id: kf\(chain), model: bytedance/seedream-5.0-pro/text-to-image, prompt: \"Keyframe \(chain).\"}\n"
            text += "  - {id: clip\(chain), image: {from: kf\(chain)}, prompt: \"Clip \(chain).\"}\n"
            text += "  - {id: next\(chain), image: {from: clip\(chain), frame: last}, end_image: {from: kf\(chain)}, prompt: \"Next \(chain).\"}\n"
            text += "  - {id: solo\(chain), image: https://cdn.example.com/\(chain).png, prompt: \"Solo \(chain).\"}\n"
        }
        try text.write(to: folder.appendingPathComponent("graph.yaml"), atomically: true, encoding: .utf8)
        let simulator = try await SimulatorProcess(["--clock-scale", "0.001", "--seed", "9"])
        let board = Board(folder: folder, manifest: folder.appendingPathComponent("graph.yaml"), out: folder.appendingPathComponent("out"), simulator: simulator)
        var kills = 0
        for point in [4, 9, 15, 22] {
            let result = try await run(board, ["--concurrency", "3"], environment: ["SHOTRUNNER_FAULT_AFTER_LINES": "\(point):KILL"])
            let killed = result.status == 9 || result.status == 137
            #expect(killed || result.status == 0 || result.status == 1, "stop at line \(point): exit \(result.status): \(result.stderr.suffix(600))")
            if killed { kills += 1 }
        }
        #expect(kills >= 2)
        let final = try await run(board, ["--concurrency", "3"])
        #expect(final.status == 0 || final.status == 1, "\(final.stderr.suffix(600))")

        let jobs = try await status(board)
        let stats = try await stats(board)
        #expect(jobs.count == 16)
        let states = Dictionary(grouping: jobs.values, by: { $0["state"] as? String ?? "" })
        // A kill between an intent and its answer leaves that job unknown (never sent again); what takes its
        // output is then blocked. Nothing else is left.
        #expect(
            Set(states.keys).isSubset(of: ["completed", "unknown_outcome", "blocked"]),
            "\(jobs.mapValues { "\($0["state"] ?? "") \($0["waiting_on"] ?? "") \($0["key"] ?? "")" })\n\(final.stderr)"
        )
        let unknown = states["unknown_outcome"]?.count ?? 0
        #expect(unknown <= kills * 3)
        for job in states["blocked"] ?? [] {
            let by = try #require(job["blocked_by"] as? [String: String])
            #expect(by["state"] == "unknown_outcome" || by["state"] == "blocked", "\(job)")
        }
        // Nothing paid twice: no body accepted more than once, no more accepted submits than jobs.
        let byBody = try #require(stats["accepted_by_body"] as? [String: Int])
        #expect(byBody.values.allSatisfy { $0 == 1 }, "\(byBody)")
        #expect((stats["accepted_submits"] as? Int ?? 0) <= 16)
        // Every accepted request whose id is on record was collected.
        let requests = try #require(stats["requests"] as? [String: [String: Any]])
        let recorded = Dictionary(uniqueKeysWithValues: jobs.values.compactMap { job in (job["request_id"] as? String).map { ($0, job) } })
        for id in requests.keys {
            guard let job = recorded[id] else { continue }
            #expect(job["state"] as? String == "completed", "\(id): \(job)")
        }
        #expect(requests.count - recorded.count <= unknown, "requests accepted with no id on record: at most the unknown jobs")
        // Each completed dependent sent its source's file as it lies on disk.
        let media = try #require(stats["accepted_media"] as? [String: Int])
        for chain in 1...4 where jobs["clip\(chain)"]?["state"] as? String == "completed" {
            let keyframe = try await sha256(board.out.appendingPathComponent("kf\(chain).png"))
            #expect((media[keyframe] ?? 0) >= 1, "clip\(chain) sent kf\(chain)'s bytes")
        }
    }
}
