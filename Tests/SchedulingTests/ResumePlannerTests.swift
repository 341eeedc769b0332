import JobManifest
import ResultsLedger
import Scheduling
import Testing
import YAML
import JSON

@Suite("Resume planning from the ledger")
struct ResumePlannerTests {
    static let manifest = try! ManifestReader().read(
        .text("version: 1\nshots:\n" + (1...6).map { "  - {id: s\($0), image: https://x.example/\($0).png, prompt: p}\n" }.joined(), name: "m.yaml"),
        name: "m.yaml", folder: "/"
    )

    private func key(_ index: Int) -> String { Self.manifest.jobs[index].key.description }

    private func event(_ kind: LedgerEvent.Kind, _ job: Int, _ fields: [(key: String, value: JSONValue)] = [], key: String? = nil) -> LedgerEvent {
        LedgerEvent(kind, job: "s\(job + 1)", time: "t", [("key", .string(key ?? self.key(job)))] + fields)
    }

    private func plan(_ events: [LedgerEvent], planner: ResumePlanner = ResumePlanner(), files: Set<String> = []) -> ResumePlanner.Plan {
        planner.plan(Self.manifest.jobs, fold: LedgerFold(events), prices: .estimate) { files.contains($0) }
    }

    private func start(_ plan: ResumePlanner.Plan, _ id: String) -> JobLifecycle.Start? {
        plan.runs.first { $0.id == id && $0.body != nil }?.start
    }

    @Test("a folder written before several outputs existed: its single-file lines read as one of one, and nothing renders again")
    func ledgerOfAnEarlierVersion() throws {
        // Lines exactly as earlier versions wrote them: a run_started without `models` or per-job `model`, a
        // downloaded line without `output`/`outputs`, the file named `<id>.mp4`.
        let lines = (0..<6).flatMap { job in
            [
                event(.submitIntent, job, [("attempt", .int(1)), ("estimated_cost", .number(0.56))]),
                event(.submitted, job, [("request_id", .string("r\(job)"))]),
                event(.rendered, job, [("outputs", .array([.string("https://cdn.example.com/r\(job).mp4")])), ("cost", .number(0.56))]),
                event(.downloaded, job, [("path", .string("s\(job + 1).mp4")), ("bytes", .int(10)), ("sha256", .string("ab"))]),
            ]
        }
        let started = LedgerEvent.runStarted(
            baseURL: "https://model-api.runcomfy.net", manifest: "/m.yaml", manifestSHA256: "x",
            jobs: Self.manifest.jobs.enumerated().map { .init(id: $1.id, index: $0, key: $1.key.description, duration: 5, sound: false, estimatedCost: 0.56) },
            time: "t"
        )
        #expect(!started.line.contains("\"models\"") && !started.line.contains("\"model\""), "the seed's run_started keeps its old shape")
        let fold = LedgerFold([started] + lines)
        #expect(fold.planned.allSatisfy { $0.model == nil } && fold.modelDigests.isEmpty)
        let record = fold.record("s1", key: key(0))
        #expect(record.state == .completed && record.files == ["s1.mp4"] && record.file == "s1.mp4")
        let files = Set((1...6).map { "s\($0).mp4" })
        let result = plan([started] + lines, files: files)
        #expect(result.runs.isEmpty && result.settled.count == 6, "every file on disk: nothing to do")
        let oneGone = plan([started] + lines, files: files.subtracting(["s3.mp4"]))
        #expect(oneGone.submits == 0 && start(oneGone, "s3") == .download(outputs: ["https://cdn.example.com/r2.mp4"]))
    }

    @Test("nothing recorded: every job submits")
    func fresh() {
        let result = plan([])
        #expect(result.submits == 6)
    }

    @Test("an intent with no answer becomes unknown_outcome, not a resubmit; a request id is polled")
    func intentsAndPolls() {
        let result = plan([
            event(.submitIntent, 0, [("attempt", .int(1))]),
            event(.submitIntent, 1, [("attempt", .int(1))]), event(.submitted, 1, [("request_id", .string("r1"))]),
            event(.submitIntent, 2, [("attempt", .int(1))]), event(.submitted, 2, [("request_id", .string("r2"))]),
            event(.status, 2, [("status", .string("in_progress"))]),
        ])
        #expect(result.unanswered.map(\.id) == ["s1"])
        #expect(start(result, "s1") == nil)
        #expect(start(result, "s2") == .poll)
        #expect(start(result, "s3") == .poll)
        #expect(result.runs.first { $0.id == "s2" }?.requestID == "r1")
    }

    @Test("--resubmit-unknown submits unknown_outcome jobs again, counting earlier attempts")
    func resubmitUnknown() {
        let events = [event(.submitIntent, 0, [("attempt", .int(1))]), event(.unknownOutcome, 0)]
        #expect(start(plan(events), "s1") == nil)
        #expect(start(plan(events, planner: ResumePlanner(resubmitUnknown: true)), "s1") == .submit(previousAttempts: 1))
    }

    @Test("a submit that was not sent (or throttled) goes again")
    func notSentAgain() {
        let events = [event(.submitIntent, 0), event(.submitError, 0, [("code", .string("transport_not_sent")), ("class", .string("not_sent"))])]
        #expect(start(plan(events), "s1") == .submit(previousAttempts: 1))
    }

    @Test("rendered downloads from the recorded URL, download_failed asks for a fresh one first; completed with its file is settled")
    func downloads() {
        let rendered = [event(.submitIntent, 0), event(.submitted, 0, [("request_id", .string("r"))]), event(.rendered, 0, [("outputs", .array([.string("https://o/1.mp4")]))])]
        #expect(start(plan(rendered), "s1") == .download(outputs: ["https://o/1.mp4"]))
        let completed = rendered + [event(.downloaded, 0, [("path", .string("s1.mp4")), ("bytes", .int(3)), ("sha256", .string("x"))])]
        #expect(start(plan(completed, files: ["s1.mp4"]), "s1") == nil)
        #expect(plan(completed, files: ["s1.mp4"]).settled.contains("s1"))
        // The file was deleted: download it again.
        #expect(start(plan(completed, files: []), "s1") == .download(outputs: ["https://o/1.mp4"]))
        let failed = rendered + [event(.downloadError, 0, [("final", .bool(true))])]
        // Its URL already failed once (provider URLs expire): the result is asked again before any download.
        #expect(start(plan(failed), "s1") == .downloadAgain(outputs: ["https://o/1.mp4"]))
    }

    @Test("failed, expired, cancelled stay put unless --retry-failed")
    func retryFailed() {
        let events = [event(.failed, 0), event(.expired, 1), event(.cancelled, 2)]
        let normal = plan(events)
        for id in ["s1", "s2", "s3"] { #expect(start(normal, id) == nil) }
        let again = plan(events, planner: ResumePlanner(retryFailed: true))
        for id in ["s1", "s2", "s3"] { #expect(start(again, id) != nil) }
    }

    @Test("a result counts only while its key matches: an edited shot renders again, its old render is still collected")
    func editedShot() {
        let oldKey = "v1:00000000deadbeef"
        let events = [
            event(.submitIntent, 0, key: oldKey), event(.submitted, 0, [("request_id", .string("old"))], key: oldKey),
        ]
        let result = plan(events)
        #expect(start(result, "s1") == .submit(previousAttempts: 0))
        let superseded = result.runs.first { $0.id == "s1" && $0.body == nil }
        #expect(superseded?.start == .poll)
        #expect(superseded?.fileBase == "s1.superseded-00000000")
        #expect(superseded?.key == oldKey)
    }

    @Test("the folder's spend counts every submitted job at its estimate until its cost is recorded")
    func spend() {
        let fold = LedgerFold([
            event(.submitIntent, 0, [("estimated_cost", .number(0.56))]),
            event(.submitIntent, 1, [("estimated_cost", .number(0.56))]), event(.submitted, 1, [("request_id", .string("r"))]),
            event(.rendered, 1, [("outputs", .array([])), ("cost", .number(0.5))]),
            event(.submitIntent, 2, [("estimated_cost", .number(0.56))]),
            event(.submitError, 2, [("class", .string("rejected"))]), event(.failed, 2),
            // Not sent twice: nothing to pay for.
            event(.submitIntent, 3, [("estimated_cost", .number(0.56))]), event(.submitError, 3, [("class", .string("not_sent"))]),
            event(.submitIntent, 3, [("estimated_cost", .number(0.56))]), event(.submitError, 3, [("class", .string("not_sent"))]),
            // Ambiguous, then resubmitted on request: both submits may be billed.
            event(.submitIntent, 4, [("estimated_cost", .number(0.56))]), event(.submitError, 4, [("class", .string("ambiguous"))]),
            event(.submitIntent, 4, [("estimated_cost", .number(0.56))]), event(.submitted, 4, [("request_id", .string("r4"))]),
        ])
        #expect(abs(fold.spent - (0.56 + 0.5 + 0.56 + 0.56)) < 1e-9)
    }

    @Test("a submit error that may have started is unknown_outcome even if the unknown_outcome line never made it")
    func ambiguousErrorAlone() {
        let events = [event(.submitIntent, 0), event(.submitError, 0, [("class", .string("ambiguous"))])]
        #expect(LedgerFold(events).record("s1", key: key(0)).state == .unknownOutcome)
        #expect(start(plan(events), "s1") == nil)
        let throttled = [event(.submitIntent, 0), event(.submitError, 0, [("class", .string("throttled"))])]
        #expect(start(plan(throttled), "s1") == .submit(previousAttempts: 1))
    }
}
