import ModelAPI
import Scheduling
import Testing

/// The job state machine, with no I/O: every money rule at the level where it is decided.
/// Durations equal within a millisecond (jitter arithmetic rounds).
func approx(_ a: Duration, _ b: Duration) -> Bool {
    abs((a - b) / .milliseconds(1)) < 1
}

@Suite("Job lifecycle")
struct JobLifecycleTests {
    struct Fixed: RandomNumberGenerator {
        mutating func next() -> UInt64 { 1 << 63 }  // jitter factor 1.0
    }

    var random = Fixed()
    let schedule = PollSchedule(minimum: .seconds(2), maximum: .seconds(30))

    private func error(_ kind: APIError.Kind, retryAfter: Duration? = nil) -> APIError {
        APIError(kind, code: "c", message: "m", retryAfter: retryAfter)
    }

    @Test("a new job submits, then polls, then downloads, then completes")
    mutating func happyPath() {
        var machine = JobLifecycle(start: .submit(previousAttempts: 0))
        #expect(machine.handle(.began, schedule: schedule, using: &random) == .submit(attempt: 1, after: .zero))
        guard case .poll = machine.handle(.submitted(requestID: "r"), schedule: schedule, using: &random) else { Issue.record("no poll"); return }
        guard case .poll = machine.handle(.report(ResultReport(state: .inQueue)), schedule: schedule, using: &random) else { Issue.record("no poll"); return }
        let done = machine.handle(.report(ResultReport(state: .completed, outputs: ["u"])), schedule: schedule, using: &random)
        #expect(done == .download(url: "u", attempt: 1, after: .zero))
        #expect(machine.handle(.downloaded, schedule: schedule, using: &random) == .finish(.completed))
    }

    @Test("a submit that did not start goes again, after Retry-After at least; attempts count on")
    mutating func notSentAndThrottled() {
        var machine = JobLifecycle(start: .submit(previousAttempts: 2))
        #expect(machine.handle(.began, schedule: schedule, using: &random) == .submit(attempt: 3, after: .zero))
        guard case .submit(4, let wait) = machine.handle(.submitFailed(error(.notSent)), schedule: schedule, using: &random) else {
            Issue.record("not resent")
            return
        }
        #expect(wait > .zero)
        guard case .submit(5, let wait2) = machine.handle(.submitFailed(error(.throttled, retryAfter: .seconds(40))), schedule: schedule, using: &random) else {
            Issue.record("not resent")
            return
        }
        #expect(wait2 >= .seconds(40))
    }

    @Test("a submit that may have started is never resent: unknown_outcome", arguments: [APIError.Kind.ambiguous, .transient])
    mutating func ambiguous(kind: APIError.Kind) {
        var machine = JobLifecycle(start: .submit(previousAttempts: 0))
        _ = machine.handle(.began, schedule: schedule, using: &random)
        #expect(machine.handle(.submitFailed(error(kind)), schedule: schedule, using: &random) == .finish(.unknownOutcome(code: "c", message: "m")))
    }

    @Test("a rejected input fails the job; a fatal error stops the batch")
    mutating func rejectedAndFatal() {
        var machine = JobLifecycle(start: .submit(previousAttempts: 0))
        _ = machine.handle(.began, schedule: schedule, using: &random)
        #expect(machine.handle(.submitFailed(error(.rejected)), schedule: schedule, using: &random) == .finish(.failed(code: "c", message: "m")))
        var other = JobLifecycle(start: .submit(previousAttempts: 0))
        _ = other.handle(.began, schedule: schedule, using: &random)
        #expect(other.handle(.submitFailed(error(.fatal)), schedule: schedule, using: &random) == .finish(.stopBatch(error(.fatal))))
    }

    @Test("after every attempt failed to get through, the job stays pending")
    mutating func exhausted() {
        var machine = JobLifecycle(start: .submit(previousAttempts: 0), policy: RetryPolicy(maxSubmitAttempts: 2))
        _ = machine.handle(.began, schedule: schedule, using: &random)
        _ = machine.handle(.submitFailed(error(.notSent)), schedule: schedule, using: &random)
        guard case .finish(.leftPending) = machine.handle(.submitFailed(error(.notSent)), schedule: schedule, using: &random) else {
            Issue.record("not left pending")
            return
        }
    }

    @Test("a resumed job with a request id polls and never submits")
    mutating func resumePolls() {
        var machine = JobLifecycle(start: .poll)
        #expect(machine.handle(.began, schedule: schedule, using: &random) == .poll(after: .zero))
        #expect(machine.attempts == 0)
    }

    @Test("poll errors never fail a job: they back off; 404 expires it; a refused token stops the run")
    mutating func pollErrors() {
        var machine = JobLifecycle(start: .poll)
        _ = machine.handle(.began, schedule: schedule, using: &random)
        var previous = Duration.zero
        for _ in 0..<5 {
            guard case .poll(let wait) = machine.handle(.pollFailed(error(.transient)), schedule: schedule, using: &random) else {
                Issue.record("gave up polling")
                return
            }
            #expect(wait >= previous)
            previous = wait
        }
        #expect(machine.handle(.pollFailed(error(.expired)), schedule: schedule, using: &random) == .finish(.expired(message: "m")))
        var other = JobLifecycle(start: .poll)
        _ = other.handle(.began, schedule: schedule, using: &random)
        #expect(other.handle(.pollFailed(error(.fatal)), schedule: schedule, using: &random) == .finish(.stopRun(error(.fatal))))
    }

    @Test("unknown statuses keep it polling; failed and cancelled end it")
    mutating func statuses() {
        var machine = JobLifecycle(start: .poll)
        _ = machine.handle(.began, schedule: schedule, using: &random)
        guard case .poll = machine.handle(.report(ResultReport(state: .unknown("warming_up"))), schedule: schedule, using: &random) else {
            Issue.record("stopped on an unknown status")
            return
        }
        #expect(machine.handle(.report(ResultReport(state: .failed, error: "boom")), schedule: schedule, using: &random) == .finish(.failed(code: "render_failed", message: "boom")))
        var other = JobLifecycle(start: .poll)
        _ = other.handle(.began, schedule: schedule, using: &random)
        #expect(other.handle(.report(ResultReport(state: .cancelled)), schedule: schedule, using: &random) == .finish(.cancelled))
    }

    @Test("a failed download asks the result for a fresh URL before each retry, a bounded number of times; --no-download stops at rendered")
    mutating func downloads() throws {
        var machine = JobLifecycle(start: .download(outputs: ["u"]), maxDownloadAttempts: 3)
        #expect(machine.handle(.began, schedule: schedule, using: &random) == .download(url: "u", attempt: 1, after: .zero))
        // Never the URL that just failed: the result first, then the URL it gives now.
        let refresh = machine.handle(.downloadFailed(error(.transient)), schedule: schedule, using: &random)
        guard case .refresh = refresh else { Issue.record("no refresh before the retry: \(refresh)"); return }
        #expect(machine.handle(.refreshed(outputs: ["u2"]), schedule: schedule, using: &random) == .download(url: "u2", attempt: 2, after: .zero))
        guard case .refresh = machine.handle(.downloadFailed(error(.transient)), schedule: schedule, using: &random) else { Issue.record("no refresh"); return }
        #expect(machine.handle(.refreshed(outputs: ["u3"]), schedule: schedule, using: &random) == .download(url: "u3", attempt: 3, after: .zero))
        #expect(machine.handle(.downloadFailed(error(.transient)), schedule: schedule, using: &random) == .finish(.downloadFailed(code: "c", message: "m")))
        // A result with no output URL any more: download_failed at once.
        var gone = JobLifecycle(start: .downloadAgain(outputs: ["old"]))
        #expect(gone.handle(.began, schedule: schedule, using: &random) == .refresh(after: .zero))
        guard case .finish(.downloadFailed) = gone.handle(.refreshed(outputs: []), schedule: schedule, using: &random) else { Issue.record("expected download_failed"); return }
        var stop = JobLifecycle(start: .poll, downloads: false)
        _ = stop.handle(.began, schedule: schedule, using: &random)
        #expect(stop.handle(.report(ResultReport(state: .completed, outputs: ["u"])), schedule: schedule, using: &random) == .finish(.rendered))
    }

    @Test("a job still rendering at the timeout is left running")
    mutating func timeout() {
        var machine = JobLifecycle(start: .poll)
        _ = machine.handle(.began, schedule: schedule, using: &random)
        #expect(machine.handle(.timedOut, schedule: schedule, using: &random) == .finish(.leftRunning))
    }

    @Test("before anything is learnt, polls start at the cold start and back off 1.5x up to the maximum")
    mutating func coldPolling() {
        let cold = PollSchedule(minimum: .milliseconds(50), maximum: .seconds(30), coldStart: .seconds(1))
        #expect(approx(cold.delay(beforePoll: 1, elapsed: .zero, using: &random), .seconds(1)))
        #expect(approx(cold.delay(beforePoll: 3, elapsed: .seconds(2.5), using: &random), .seconds(2.25)))
        #expect(approx(cold.delay(beforePoll: 40, elapsed: .seconds(500), using: &random), .seconds(30)))
    }

    @Test("polling learns the render times: the first poll a step before the 10th percentile, then a step of an eighth of the spread")
    mutating func learntPolling() {
        var learned = PollSchedule(minimum: .milliseconds(50), maximum: .seconds(60))
        // Renders of 30..90 s, each bracketed by a poll 2 s before it finished and one at its end.
        for seconds in stride(from: 30, through: 90, by: 2) {
            learned.observe(doneAt: .seconds(seconds + 1), lastPendingAt: .seconds(seconds - 1))
        }
        // lo = 36, median = 60, hi = 84: step = (84 - 36) / 8 = 6 s, inside 2%..10% of 60.
        #expect(learned.delay(beforePoll: 1, elapsed: .zero, using: &random) == .seconds(30))
        #expect(approx(learned.delay(beforePoll: 2, elapsed: .seconds(30), using: &random), .seconds(6)))
        #expect(approx(learned.delay(beforePoll: 9, elapsed: .seconds(80), using: &random), .seconds(6)))
        // Past hi + 2 steps: a tenth of the time elapsed.
        #expect(approx(learned.delay(beforePoll: 20, elapsed: .seconds(200), using: &random), .seconds(20)))
    }

    @Test("renders that all take the same time are polled in small steps around it; a first poll that is too late pulls the schedule earlier")
    mutating func tightRenders() {
        var learned = PollSchedule(minimum: .milliseconds(10), maximum: .seconds(60))
        for _ in 0..<10 { learned.observe(doneAt: .seconds(40.5), lastPendingAt: .seconds(39.5)) }
        // step = 2% of 40 s = 0.8 s; the first poll one step before 40 s.
        #expect(approx(learned.delay(beforePoll: 1, elapsed: .zero, using: &random), .seconds(39.2)))
        var late = PollSchedule(minimum: .milliseconds(10), maximum: .seconds(30))
        for _ in 0..<10 { late.observe(doneAt: .seconds(10), lastPendingAt: nil) }
        #expect(late.medianRenderTime == .seconds(5))
    }

    @Test("backoff doubles up to its cap and honours Retry-After", arguments: [(1, 1), (2, 2), (3, 4), (7, 60), (20, 60)])
    mutating func backoff(attempt: Int, seconds: Int) {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60))
        #expect(approx(backoff.delay(afterAttempt: attempt, using: &random), .seconds(seconds)))
        #expect(backoff.delay(afterAttempt: attempt, retryAfter: .seconds(90), using: &random) == .seconds(90))
    }
}
