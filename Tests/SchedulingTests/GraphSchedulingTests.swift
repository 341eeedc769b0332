import Foundation
import JSON
import JobManifest
import ModelAPI
import ResultsLedger
import RunnerTestSupport
import Scheduling
import Testing
import YAML

/// The storyboard graph in the scheduler, on the manual clock: dependency order, the bound held with jobs
/// waiting, blocking through a chain, the critical path first, and each dependent's body carrying its source's
/// exact bytes (or the frame extracted from it).
@Suite("Graph scheduling")
struct GraphSchedulingTests {
    /// Seedream makes the keyframe (an image); the seed model's clips take it, and each other's last frames.
    static let chain = """
        version: 1
        shots:
          - {id: x1, image: https://x.example/1.png, prompt: x1}
          - {id: x2, image: https://x.example/2.png, prompt: x2}
          - {id: x3, image: https://x.example/3.png, prompt: x3}
          - {id: kf, model: bytedance/seedream-5.0-pro/text-to-image, prompt: kf}
          - {id: a, image: {from: kf}, prompt: a}
          - {id: b, image: {from: a, frame: last}, end_image: {from: kf}, prompt: b}
          - {id: c, image: {from: b, frame: last}, prompt: c}

        """

    /// A batch of `text`'s jobs whose client names each request after its prompt, renders an image model's job as
    /// a PNG and the rest as MP4s (bytes unique to the request), and fails the prompts in `failing`.
    private func setup(_ text: String, failing: Set<String> = [], cost: Double? = 0.5) throws -> (BatchSetup, SubmitLog) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-graph-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let manifest = try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder)
        let setup = BatchSetup(folder: folder, ledger: try Ledger(folder: folder), jobs: manifest.jobs)
        let log = SubmitLog()
        setup.client.onSubmit = { bytes, _ in
            let body = try JSONValue.parse(bytes)
            let prompt = body["prompt"]?.string ?? "?"
            log.note(prompt, body: body)
            return Submission(requestID: "req_" + prompt)
        }
        setup.client.onResult = { id, poll in
            let prompt = String(id.dropFirst(4))
            if failing.contains(prompt) { return ResultReport(state: .failed, error: "the render failed") }
            guard poll >= 2 else { return ResultReport(state: .inProgress) }
            let ext = prompt.hasPrefix("kf") ? "png" : "mp4"
            return ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(prompt).\(ext)"], cost: cost)
        }
        setup.client.onDownload = { url in
            let tag = Array(url.utf8)
            if url.hasSuffix(".png") { return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + tag }
            return [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + tag
        }
        return (setup, log)
    }

    /// Plans the batch from its ledger and runs it with its waiting jobs.
    private func run(_ setup: BatchSetup, concurrency: Int = 4, maxCost: Double? = nil, frames: (any FrameExtracting)? = FakeFrames()) async -> (BatchResult, ResumePlanner.GraphPlan) {
        let folder = setup.folder
        let exists: @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        let graph = ResumePlanner().plan(graph: setup.jobs, fold: await setup.ledger.fold, prices: .estimate, fileExists: exists)
        var options = BatchOptions()
        options.concurrency = concurrency
        options.maxCost = maxCost
        options.seed = 3
        let work = DependentWork(waiting: graph.waiting, keys: graph.keys, planner: ResumePlanner(), prices: .estimate, fileExists: exists, frames: frames)
        return (await setup.run(options, runs: graph.plan.runs, dependents: work), graph)
    }

    private func fold(_ setup: BatchSetup) throws -> LedgerFold {
        LedgerFold(try Ledger.readEvents(folder: setup.folder))
    }

    @Test("dependents wait for their sources, and each body carries its source's exact bytes or the frame of its clip")
    func dependencyOrderAndBytes() async throws {
        let (setup, log) = try setup(Self.chain)
        let (result, graph) = await run(setup)
        #expect(graph.waiting.map(\.job.id) == ["a", "b", "c"])
        #expect(graph.waiting.allSatisfy { $0.job.keyText.hasPrefix("after:") })
        #expect(["x1", "x2", "x3", "kf", "a", "b", "c"].allSatisfy { result.outcomes[$0] == .completed }, "\(result.outcomes)")
        let order = log.prompts
        let position = { (prompt: String) in order.firstIndex(of: prompt) ?? -1 }
        #expect(position("kf") < position("a") && position("a") < position("b") && position("b") < position("c"), "\(order)")

        // `a` sends the keyframe's file; `b` the frame extracted from `a`'s clip and the keyframe; `c` `b`'s frame.
        let keyframe = try Data(contentsOf: URL(fileURLWithPath: setup.folder + "/kf.png"))
        #expect(try log.bytes(of: "a", field: "image") == keyframe)
        #expect(try log.bytes(of: "b", field: "end_image") == keyframe)
        let fold = try fold(setup)
        let aSHA = try #require(fold.currentRecord("a", listed: "").sha256)
        let aFrame = try Data(contentsOf: URL(fileURLWithPath: setup.folder + "/frames/a.\(aSHA.prefix(8)).last.png"))
        #expect(try log.bytes(of: "b", field: "image") == aFrame)
        #expect(aFrame.starts(with: [0x89, 0x50, 0x4E, 0x47]))

        // Each dependent renders under a real key over its sources' digests, on record in `inputs_resolved`.
        let events = try Ledger.readEvents(folder: setup.folder)
        let resolved = events.filter { $0.kind == .inputsResolved && $0.job == "b" }
        #expect(!resolved.isEmpty)
        let key = try #require(resolved.last?.string("key"))
        #expect(key.hasPrefix("v1:"))
        #expect(fold.currentKey("b", listed: "after:a,kf") == key)
        #expect(fold.record("b", key: key).state == .completed)
        let sources = resolved.last?["sources"]?.elements ?? []
        #expect(sources.contains { $0["job"]?.string == "a" && $0["frame"]?.string == "last" && $0["sha256"]?.string == aSHA })
    }

    @Test("the bound holds over everything while jobs wait on others")
    func boundWithWaitingJobs() async throws {
        var text = "version: 1\nshots:\n"
        for chain in 1...3 {
            text += "  - {id: k\(chain), model: bytedance/seedream-5.0-pro/text-to-image, prompt: kf\(chain)}\n"
            text += "  - {id: m\(chain), image: {from: k\(chain)}, prompt: m\(chain)}\n"
            text += "  - {id: e\(chain), image: {from: m\(chain), frame: first}, prompt: e\(chain)}\n"
        }
        for extra in 1...6 { text += "  - {id: i\(extra), image: https://x.example/\(extra).png, prompt: i\(extra)}\n" }
        let (setup, log) = try setup(text)
        let (result, _) = await run(setup, concurrency: 2)
        #expect(result.outcomes.count == 15)
        #expect(result.outcomes.values.allSatisfy { $0 == .completed })
        #expect(setup.client.recorded.maxActiveJobs <= 2)
        #expect(setup.client.recorded.submits == 15)
        #expect(Set(log.prompts).count == 15)
    }

    @Test("a failed source blocks its dependents through the chain: on record, nothing submitted, the rest goes on")
    func blockedThroughChain() async throws {
        let (setup, log) = try setup(Self.chain, failing: ["a"])
        let (result, _) = await run(setup)
        #expect(result.outcomes["a"] == .failed(code: "render_failed", message: "the render failed"))
        #expect(Set(result.blocked) == ["b", "c"])
        #expect(["x1", "x2", "x3", "kf"].allSatisfy { result.outcomes[$0] == .completed })
        #expect(!log.prompts.contains("b") && !log.prompts.contains("c"))
        #expect(setup.client.recorded.submits == 5)
        let fold = try fold(setup)
        let b = fold.currentRecord("b", listed: "after:a,kf")
        #expect(b.state == .blocked)
        #expect(b.blockedBy == JobRecord.BlockedBy(job: "a", state: "failed"))
        #expect(b.attempts == 0 && b.spend == 0)
        let c = fold.currentRecord("c", listed: "after:b")
        #expect(c.state == .blocked)
        #expect(c.blockedBy == JobRecord.BlockedBy(job: "b", state: "blocked"))
    }

    @Test("--retry-failed retries a failed source, then the dependents it had blocked")
    func retryFailedSource() async throws {
        let (setup, log) = try setup(Self.chain, failing: ["a"])
        _ = await run(setup)
        #expect(try fold(setup).currentRecord("b", listed: "after:a,kf").state == .blocked)
        // The render works this time.
        setup.client.onResult = { id, poll in
            guard poll >= 2 else { return ResultReport(state: .inProgress) }
            return ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id.dropFirst(4)).mp4"], cost: 0.5)
        }
        let folder = setup.folder
        let exists: @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        let planner = ResumePlanner(retryFailed: true)
        let graph = planner.plan(graph: setup.jobs, fold: try fold(setup), prices: .estimate, fileExists: exists)
        #expect(graph.plan.runs.map(\.id) == ["a"])
        #expect(graph.waiting.map(\.job.id) == ["b", "c"])
        var options = BatchOptions()
        options.seed = 3
        let work = DependentWork(waiting: graph.waiting, keys: graph.keys, planner: planner, prices: .estimate, fileExists: exists, frames: FakeFrames())
        let result = await setup.run(options, runs: graph.plan.runs, dependents: work)
        #expect(["a", "b", "c"].allSatisfy { result.outcomes[$0] == .completed }, "\(result.outcomes)")
        #expect(log.prompts.filter { $0 == "a" }.count == 2 && log.prompts.contains("c"))
    }

    @Test("the critical path starts first: a chain's head ahead of independent jobs, its next link as soon as it can")
    func criticalPathFirst() async throws {
        let (setup, log) = try setup(Self.chain)
        let (result, _) = await run(setup, concurrency: 1)
        #expect(result.outcomes.values.allSatisfy { $0 == .completed })
        // kf heads a chain of four renders (kf, a, b, c): it goes first, ahead of the x's written before it, and
        // each link that others still wait on as soon as its source is done. The last link, c, shortens nothing:
        // it takes its manifest place among the other single renders.
        #expect(log.prompts == ["kf", "a", "b", "x1", "x2", "x3", "c"], "\(log.prompts)")
    }

    @Test("a frame that cannot be extracted leaves that job blocked with the reason, nothing sent, tried again next run; what waits on it is blocked")
    func frameExtractionFails() async throws {
        let (setup, log) = try setup(Self.chain)
        let (result, _) = await run(setup, frames: FailingFrames())
        guard case .leftPending(let reason)? = result.outcomes["b"] else {
            Issue.record("expected b to be left for the next run, got \(String(describing: result.outcomes["b"]))")
            return
        }
        #expect(reason.contains("frame of a cannot be extracted"), "\(reason)")
        #expect(Set(result.blocked) == ["b", "c"])
        #expect(!log.prompts.contains("b"))
        let events = try Ledger.readEvents(folder: setup.folder)
        #expect(!events.contains { $0.kind == .submitIntent && $0.job == "b" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.folder + "/frames").isEmpty, "no half-written frame is left")
        let b = try fold(setup).currentRecord("b", listed: "")
        #expect(b.state == .blocked && b.blockedBy?.state == "input_unavailable" && b.attempts == 0)
        // The next run (ffmpeg working again) plans it as any job not yet sent.
        let again = ResumePlanner().plan(graph: setup.jobs, fold: try fold(setup), prices: .estimate) { FileManager.default.fileExists(atPath: setup.folder + "/" + $0) }
        #expect(again.plan.runs.contains { $0.id == "b" && $0.start == .submit(previousAttempts: 0) })
        #expect(again.waiting.map(\.job.id) == ["c"])
    }

    @Test("the takes of a shot that want the same frame share one extraction")
    func oneExtractionPerFrame() async throws {
        let text = Self.chain.replacingOccurrences(of: "{id: c, image: {from: b, frame: last}, prompt: c}", with: "{id: c, image: {from: b, frame: last}, prompt: c, takes: 3}")
        let (setup, log) = try setup(text)
        let frames = CountingFrames()
        let (result, _) = await run(setup, frames: frames)
        #expect(["c~1", "c~2", "c~3"].allSatisfy { result.outcomes[$0] == .completed }, "\(result.outcomes)")
        #expect(frames.calls == 2, "one frame of a, one of b")
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.folder + "/frames").count == 2)
        #expect(log.prompts.filter { $0 == "c" }.count == 3)
    }

    @Test("--max-cost keeps aside what waiting jobs need: an independent job waits rather than spend it")
    func capKeepsWaitingEstimates() async throws {
        let text = """
            version: 1
            shots:
              - {id: kf, model: bytedance/seedream-5.0-pro/text-to-image, prompt: kf}
              - {id: a, image: {from: kf}, prompt: a}
              - {id: x, image: https://x.example/1.png, prompt: x}

            """
        let (setup, log) = try setup(text, cost: nil)
        // The keyframe costs 0.04 (per output); each 5 s clip 0.56 at the estimate: room for kf and one clip. kf and x
        // start together; x would fit on its own, but not beside what `a` will need.
        let (result, _) = await run(setup, concurrency: 2, maxCost: 0.7)
        #expect(result.outcomes["kf"] == .completed)
        #expect(result.outcomes["a"] == .completed)
        #expect(result.costCapReached)
        #expect(!log.prompts.contains("x"), "\(log.prompts)")
    }

    @Test("a dependent's render still in flight under an older key is collected, even when its new source fails and blocks it")
    func supersededDependentCollected() async throws {
        // The keyframe's prompt was edited (and its new render fails); a render of `a` from the old keyframe is
        // still out there, paid for.
        let edited = Self.chain.replacingOccurrences(of: "prompt: kf}", with: "prompt: kf2}")
        let (setup, _) = try setup(edited, failing: ["kf2"])
        try await setup.ledger.append([
            .submitIntent(job: "a", key: "v1:old", attempt: 1, estimate: 0.56, time: "t"),
            .submitted(job: "a", key: "v1:old", requestID: "req_olda", time: "t"),
        ])
        let (result, graph) = await run(setup)
        #expect(graph.plan.runs.contains { $0.id == "a" && $0.key == "v1:old" && $0.body == nil })
        #expect(result.outcomes["a (superseded)"] == .completed)
        #expect(Set(result.blocked) == ["a", "b", "c"])
        #expect(FileManager.default.fileExists(atPath: setup.folder + "/a.superseded-old.mp4"))
    }

    @Test("a resume plans dependents of completed sources under their real keys; an edited source re-keys them")
    func resumeKeys() async throws {
        let (setup, _) = try setup(Self.chain)
        _ = await run(setup)
        let fold = try fold(setup)
        let folder = setup.folder
        let exists: (String) -> Bool = { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        let again = ResumePlanner().plan(graph: setup.jobs, fold: fold, prices: .estimate, fileExists: exists)
        #expect(again.plan.runs.isEmpty && again.waiting.isEmpty)
        #expect(Set(again.plan.settled) == ["x1", "x2", "x3", "kf", "a", "b", "c"])
        #expect(again.keys["c"] == fold.currentKey("c", listed: ""))

        // Edit a's prompt: a renders again, and b and c wait on it; kf and the x's are untouched.
        let edited = Self.chain.replacingOccurrences(of: "prompt: a}", with: "prompt: a2}")
        let jobs = try ManifestReader().read(.text(edited, name: "m.yaml"), name: "m.yaml", folder: folder).jobs
        let plan = ResumePlanner().plan(graph: jobs, fold: fold, prices: .estimate, fileExists: exists)
        #expect(plan.plan.runs.map(\.id) == ["a"])
        #expect(plan.waiting.map(\.job.id) == ["b", "c"])
        #expect(Set(plan.plan.settled) == ["x1", "x2", "x3", "kf"])
    }
}

/// Every submit's body by prompt, in the order they came.
final class SubmitLog: @unchecked Sendable {
    private let lock = NSLock()
    private var order: [String] = []
    private var bodies: [String: JSONValue] = [:]

    func note(_ prompt: String, body: JSONValue) {
        lock.withLock {
            order.append(prompt)
            bodies[prompt] = body
        }
    }

    var prompts: [String] { lock.withLock { order } }

    /// The bytes a data URI in a field of the submit of `prompt` carries.
    func bytes(of prompt: String, field: String) throws -> Data {
        let uri = try #require(lock.withLock { bodies[prompt]?[field]?.string })
        let comma = try #require(uri.firstIndex(of: ","))
        #expect(uri.hasPrefix("data:image/png;base64,"))
        return try #require(Data(base64Encoded: String(uri[uri.index(after: comma)...])))
    }
}

/// Frames without ffmpeg: a PNG holding the selector and the video's bytes (so each source gives its own frame).
struct FakeFrames: FrameExtracting {
    func extractFrame(of video: String, at frame: JobReference.Frame, to png: String) async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: video))
        try (Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(frame.text.utf8) + bytes).write(to: URL(fileURLWithPath: png))
    }
}

/// Frames as `FakeFrames` makes them, counting the extractions, each slow enough for a second asker to arrive.
final class CountingFrames: FrameExtracting, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var calls: Int { lock.withLock { count } }

    func extractFrame(of video: String, at frame: JobReference.Frame, to png: String) async throws {
        lock.withLock { count += 1 }
        for _ in 0..<200 { await Task.yield() }
        try await FakeFrames().extractFrame(of: video, at: frame, to: png)
    }
}

/// ffmpeg failing (a damaged clip): writes half a file and throws.
struct FailingFrames: FrameExtracting {
    struct Failed: Error {}
    func extractFrame(of video: String, at frame: JobReference.Frame, to png: String) async throws {
        try Data([0x89, 0x50]).write(to: URL(fileURLWithPath: png))
        throw Failed()
    }
}
