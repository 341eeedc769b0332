import JSON
import ModelAPI
import Testing
@testable import ResultsLedger
@testable import Scheduling

/// The typed constructors write the lines earlier versions wrote (same names, same fields), the fold decides
/// what a failed submit may cost from a boolean on new lines and from the class on old ones, and the batch state
/// only moves forward.
@Suite("Typed ledger lines and the batch state")
struct TypedLinesTests {
    @Test("each constructor writes its kind's fields, as version 1 ledgers hold them")
    func constructorsWriteTheKnownShapes() {
        let intent = LedgerEvent.submitIntent(job: "a/b", key: "v1:k", attempt: 2, estimate: 0.56, time: "t")
        #expect(intent.line == #"{"v":1,"t":"t","event":"submit_intent","job":"a/b","key":"v1:k","attempt":2,"estimated_cost":0.56}"#)
        let rendered = LedgerEvent.rendered(job: "j", key: "k", outputs: ["https://o/1.mp4"], cost: nil, time: "t")
        #expect(rendered.line == #"{"v":1,"t":"t","event":"rendered","job":"j","key":"k","outputs":["https://o/1.mp4"]}"#)
        let finished = LedgerEvent.runFinished(counts: [.failed: 1, .completed: 3], exitCode: 1, time: "t")
        #expect(finished.line == #"{"v":1,"t":"t","event":"run_finished","job":"","counts":{"completed":3,"failed":1},"exit_code":1}"#)
        let submitError = LedgerEvent.submitError(
            job: "j", key: "k", code: "http_503", message: "busy", httpStatus: 503, errorClass: "throttled", mayHaveStarted: false, time: "t"
        )
        #expect(submitError.line == #"{"v":1,"t":"t","event":"submit_error","job":"j","key":"k","code":"http_503","message":"busy","http_status":503,"class":"throttled","may_have_started":false}"#)
        let notSent = LedgerEvent.notSent(job: "j", key: "k", attempt: 1, reason: "interrupted", time: "t")
        #expect(notSent.line == #"{"v":1,"t":"t","event":"not_sent","job":"j","key":"k","attempt":1,"reason":"interrupted"}"#)
        let started = LedgerEvent.runStarted(
            baseURL: "https://b", manifest: "/m.yaml", manifestSHA256: "ab",
            jobs: [.init(id: "a~2", index: 3, key: "v1:k", duration: 5, sound: true, estimatedCost: 0.7)], time: "t"
        )
        #expect(started.line == #"{"v":1,"t":"t","event":"run_started","job":"","base_url":"https://b","manifest":"/m.yaml","manifest_sha256":"ab","jobs":[{"id":"a~2","index":3,"key":"v1:k","duration":5,"sound":true,"estimated_cost":0.7}]}"#)
        let fold = LedgerFold([started, .picked(job: "a~2", shot: "a", time: "t")])
        #expect(fold.planned.first?.index == 3)
        #expect(fold.picks == ["a": "a~2"])
        #expect(LedgerFold([started, .picked(job: "a~2", shot: "a", time: "t"), .unpicked(job: "a~2", shot: "a", time: "t")]).picks.isEmpty)
        let error = LedgerEvent.downloadError(job: "j", key: "k", code: "http_403", message: "gone", httpStatus: 403, attempt: 1, final: false, time: "t")
        #expect(error.line == #"{"v":1,"t":"t","event":"download_error","job":"j","key":"k","code":"http_403","message":"gone","http_status":403,"attempt":1,"final":false}"#)
    }

    @Test("a submit error's cost: the boolean on new lines, the class on old ones")
    func submitErrorCost() {
        func fold(_ error: LedgerEvent) -> JobRecord {
            LedgerFold([.submitIntent(job: "j", key: "k", attempt: 1, estimate: 1.5, time: "t"), error]).record("j", key: "k")
        }
        let started = fold(.submitError(job: "j", key: "k", code: "x", message: "m", httpStatus: nil, errorClass: "not_sent", mayHaveStarted: true, time: "t"))
        #expect(started.state == .unknownOutcome)
        #expect(started.spend == 1.5)
        let notStarted = fold(.submitError(job: "j", key: "k", code: "x", message: "m", httpStatus: 503, errorClass: "ambiguous", mayHaveStarted: false, time: "t"))
        #expect(notStarted.state == .pending)
        #expect(notStarted.spend == 0)
        // Written before `may_have_started` existed: the class decides.
        let oldThrottled = fold(LedgerEvent(.submitError, job: "j", time: "t", [("key", .string("k")), ("code", .string("http_429")), ("class", .string("throttled"))]))
        #expect(oldThrottled.state == .pending)
        let oldAmbiguous = fold(LedgerEvent(.submitError, job: "j", time: "t", [("key", .string("k")), ("code", .string("transport_timeout")), ("class", .string("ambiguous"))]))
        #expect(oldAmbiguous.state == .unknownOutcome)
    }

    @Test("what a failed submit may cost follows the error's kind")
    func submitMayHaveStarted() {
        for kind in [APIError.Kind.notSent, .throttled, .rejected, .fatal] {
            #expect(!APIError(kind, code: "c", message: "m").submitMayHaveStarted)
        }
        for kind in [APIError.Kind.ambiguous, .transient, .expired, .localIO] {
            #expect(APIError(kind, code: "c", message: "m").submitMayHaveStarted)
        }
    }

    @Test("the batch state moves forward only, keeping the first reason; the cap's stop becomes hard only when told")
    func batchStateTransitions() {
        var state = BatchState<Int>.running(pausedUntil: nil)
        let first = state.pause(until: 5)
        let earlier = state.pause(until: 3)
        #expect(first && !earlier)
        #expect(state.pausedUntil == 5)
        state.stopSubmits(reason: "--max-cost reached", hard: false)
        #expect(state.submitsStopped && !state.hardStopped && !state.everythingStopped)
        #expect(state.pausedUntil == nil)
        let afterStop = state.pause(until: 9)
        #expect(!afterStop)
        state.stopSubmits(reason: "interrupted", hard: true)
        #expect(state.hardStopped)
        #expect(state.stopReason == "--max-cost reached")
        state.stopEverything(reason: "the ledger cannot be written")
        #expect(state.everythingStopped && state.hardStopped)
        #expect(state.stopReason == "--max-cost reached")
        state.stopSubmits(reason: "later", hard: false)
        #expect(state.everythingStopped)
    }

    @Test("the lifecycle names the terminal line of each outcome, and none where the job goes on")
    func terminalLines() {
        let context = JobLifecycle.LineContext(job: "j", key: "k", time: "t")
        #expect(JobLifecycle.terminalLine(for: .failed(code: "c", message: "m"), context)?.kind == .failed)
        #expect(JobLifecycle.terminalLine(for: .expired(message: "m"), context)?.kind == .expired)
        #expect(JobLifecycle.terminalLine(for: .cancelled, context)?.kind == .cancelled)
        #expect(JobLifecycle.terminalLine(for: .unknownOutcome(code: "c", message: "m"), context)?.kind == .unknownOutcome)
        for outcome: JobLifecycle.Outcome in [.completed, .rendered, .leftRunning, .leftPending(reason: "r"), .downloadFailed(code: "c", message: "m")] {
            #expect(JobLifecycle.terminalLine(for: outcome, context) == nil)
        }
        let end = JobLifecycle.refreshEndLine(after: .finish(.downloadFailed(code: "no_output", message: "m")), context)
        #expect(end?.line.contains(#""final":true"#) == true)
        #expect(JobLifecycle.refreshEndLine(after: .poll(after: .zero), context) == nil)
    }
}
