import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import RunnerTestSupport
import Scheduling
import NIOConcurrencyHelpers
import Testing
import YAML
import JSON

/// The money path's second pass (issue 13), each rule on the manual clock: a stop withdraws an intent still
/// waiting on its fsync, poll 429s pause submits, a download retry asks for a fresh URL, spend has one definition.
@Suite("Money path")
struct MoneyPathTests {
    /// Holds the ledger's first write until released, and says when it is being held.
    final class WriteGate: Sendable {
        private let armed = NIOLockedValueBox(true)
        private let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
        private let (released, releaseSignal) = AsyncStream<Void>.makeStream()

        /// The ledger's `beforeWrite`.
        func pass() async {
            guard armed.withLockedValue({ armed in
                defer { armed = false }
                return armed
            }) else { return }
            enteredSignal.yield()
            for await _ in released { break }
        }

        func waitUntilHeld() async {
            for await _ in entered { break }
        }

        func release() {
            releaseSignal.yield()
        }
    }

    /// Values shared with `@Sendable` closures (a pthread lock: ThreadSanitizer on Linux does not see a `Mutex`).
    final class Box<Value: Sendable>: Sendable {
        private let value: NIOLockedValueBox<Value>
        init(_ value: Value) { self.value = NIOLockedValueBox(value) }
        func get() -> Value { value.withLockedValue { $0 } }
        func update<T>(_ body: (inout Value) -> T) -> T { value.withLockedValue { body(&$0) } }
    }

    typealias Setup = BatchSetup

    private func setup(jobs count: Int, gate: WriteGate? = nil) throws -> Setup {
        var beforeWrite: (@Sendable () async -> Void)?
        if let gate { beforeWrite = { await gate.pass() } }
        return try BatchSetup.make(jobs: count, beforeWrite: beforeWrite)
    }

    private func runs(_ setup: Setup) -> [PlannedRun] {
        ResumePlanner().plan(setup.jobs, fold: LedgerFold(), prices: .estimate) { _ in false }.runs
    }

    /// Runs the batch on the manual clock, collecting its events; `during` runs beside it.
    private func drive(
        _ setup: Setup,
        _ options: BatchOptions = BatchOptions(),
        runs: [PlannedRun]? = nil,
        during: (@Sendable (BatchScheduler<ManualClock>, AsyncStream<SchedulerEvent>) async -> Void)? = nil
    ) async -> (BatchResult, [SchedulerEvent]) {
        var options = options
        options.seed = 11
        let (stream, continuation) = AsyncStream<SchedulerEvent>.makeStream()
        let (copy, copyContinuation) = AsyncStream<SchedulerEvent>.makeStream()
        let scheduler = BatchScheduler(
            client: setup.client, ledger: setup.ledger, folder: setup.folder, modelID: "m", options: options, clock: setup.clock,
            now: { "t" }, events: continuation
        )
        let planned = runs ?? self.runs(setup)
        let seen = Box<[SchedulerEvent]>([])
        let result = await withTaskGroup(of: BatchResult?.self) { group in
            group.addTask {
                for await event in stream {
                    seen.update { $0.append(event) }
                    copyContinuation.yield(event)
                }
                copyContinuation.finish()
                return nil
            }
            group.addTask {
                let result = await scheduler.run(planned)
                continuation.finish()
                return result
            }
            group.addTask {
                if let during { await during(scheduler, copy) }
                for _ in 0..<100_000 {
                    if Task.isCancelled { break }
                    for _ in 0..<50 { await Task.yield() }  // every job asleep before the clock moves, even under a sanitizer
                    if !setup.clock.advanceToNextDeadline() { await Task.yield() }
                }
                return nil
            }
            var final: BatchResult?
            while let value = await group.next() {
                if let value {
                    final = value
                    group.cancelAll()
                }
            }
            return final ?? BatchResult()
        }
        return (result, seen.get())
    }

    private func events(_ setup: Setup) throws -> [LedgerEvent] {
        try Ledger.readEvents(folder: setup.folder)
    }

    private func fold(_ setup: Setup) throws -> LedgerFold {
        LedgerFold(try events(setup))
    }

    // MARK: - 1. A stop stops every submit whose POST has not started

    @Test("an interrupt while the intent waits on its fsync withdraws it: not_sent, pending, no POST")
    func interruptWithdrawsHeldIntent() async throws {
        let gate = WriteGate()
        let setup = try setup(jobs: 1, gate: gate)
        let (result, _) = await drive(setup) { scheduler, _ in
            await gate.waitUntilHeld()
            await scheduler.interrupt()
            gate.release()
        }
        #expect(setup.client.recorded.submits == 0, "the POST went out after the stop")
        let lines = try events(setup).filter { $0.job == "s1" }.map(\.kind)
        #expect(lines == [.submitIntent, .notSent])
        let record = try fold(setup).record("s1", key: setup.jobs[0].key.description)
        #expect(record.state == .pending)
        #expect(record.spend == 0)
        #expect(result.outcomes["s1"].map { if case .leftPending = $0 { true } else { false } } == true)
    }

    @Test("a fatal answer while another job's intent waits on its fsync withdraws that intent")
    func fatalWithdrawsHeldIntent() async throws {
        let gate = WriteGate()
        let setup = try setup(jobs: 2, gate: gate)
        // The refusal comes only once s2's intent is being held.
        setup.client.onResult = { _, _ in
            await gate.waitUntilHeld()
            throw APIError(.fatal, code: "http_401", httpStatus: 401, message: "token refused")
        }
        var planned = runs(setup)
        // s1 was submitted by an earlier run: it polls (and is refused) while s2's intent is held.
        planned[0].start = .poll
        planned[0].requestID = "req_old"
        let (result, _) = await drive(setup, runs: planned) { _, events in
            for await event in events {
                if case .submitsStopped = event { break }
            }
            gate.release()
        }
        #expect(result.fatal?.code == "http_401")
        #expect(setup.client.recorded.submits == 0)
        let lines = try events(setup)
        #expect(lines.filter { $0.job == "s2" }.map(\.kind) == [.submitIntent, .notSent], "\(lines.map(\.line))")
        #expect(try fold(setup).record("s2", key: setup.jobs[1].key.description).state == .pending)
    }

    @Test("--max-cost: an intent counted within the cap is still sent when a later job's is refused")
    func capKeepsWhatFits() async throws {
        let setup = try setup(jobs: 2)
        var options = BatchOptions()
        options.concurrency = 2
        options.maxCost = 0.8  // 0.56 each: one fits
        let (result, _) = await drive(setup, options)
        #expect(result.costCapReached)
        #expect(setup.client.recorded.submits == 1)
    }

    @Test("--max-cost: intents written together within the cap are all sent, none withdrawn for being counted twice")
    func capCountsEachIntentOnce() async throws {
        let setup = try setup(jobs: 4)
        var options = BatchOptions()
        options.concurrency = 4
        options.maxCost = 2.3  // 0.56 each: all four fit (2.24)
        let (result, _) = await drive(setup, options)
        #expect(!result.costCapReached)
        #expect(setup.client.recorded.submits == 4)
        #expect(try events(setup).allSatisfy { $0.kind != .notSent })
        #expect(result.outcomes.values.allSatisfy { $0 == .completed })
    }

    // MARK: - 3. One definition of spend

    @Test("an image changed since reading writes no intent and counts nothing")
    func changedImageCountsNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-money-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 64)
        try Data(png).write(to: URL(fileURLWithPath: folder + "/a.png"))
        let manifest = try ManifestReader().read(.text("version: 1\nshots:\n  - {id: edited, image: a.png, prompt: p}\n", name: "m.yaml"), name: "m.yaml", folder: folder)
        var edited = png
        edited[20] = 2
        try Data(edited).write(to: URL(fileURLWithPath: folder + "/a.png"))
        let setup = Setup(folder: folder, ledger: try Ledger(folder: folder), jobs: manifest.jobs)
        _ = await drive(setup)
        #expect(try events(setup).map(\.kind) == [.failed])
        #expect(try fold(setup).spent == 0)
        #expect(setup.ledger.spent.folder == 0)
    }

    @Test("a superseded render's recorded cost replaces its estimate once: the live figure and the fold agree")
    func supersededCountsOnce() async throws {
        let setup = try setup(jobs: 1)
        try await setup.ledger.append([
            LedgerEvent(.submitIntent, job: "s1", time: "t", [("key", .string("v1:old")), ("attempt", .int(1)), ("estimated_cost", .number(0.56))]),
            LedgerEvent(.submitted, job: "s1", time: "t", [("key", .string("v1:old")), ("request_id", .string("req_old"))]),
        ])
        let superseded = PlannedRun(id: "s1", key: "v1:old", start: .poll, requestID: "req_old", body: nil, estimatedCost: 0, fileBase: "s1.superseded-old")
        setup.client.onResult = { id, _ in ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4"], cost: 0.5) }
        let (_, seen) = await drive(setup, runs: [superseded])
        let spentEvents = seen.compactMap { if case .spent(let folder, _) = $0 { folder } else { nil } }
        #expect(abs((spentEvents.last ?? -1) - 0.5) < 1e-9, "live figures: \(spentEvents)")
        #expect(abs(try fold(setup).spent - 0.5) < 1e-9)
        #expect(abs(setup.ledger.spent.folder - 0.5) < 1e-9)
    }

    // MARK: - 4. Poll 429s pause submits

    @Test("a 429 with Retry-After on a poll pauses new submits for everyone for as long as it says")
    func pollThrottlePausesSubmits() async throws {
        let setup = try setup(jobs: 3)
        let clock = setup.clock
        let submitTimes = Box<[Duration]>([])
        let counter = Box(0)
        setup.client.onSubmit = { _, _ in
            submitTimes.update { $0.append(clock.now.offset) }
            let id = counter.update { value -> Int in
                value += 1
                return value
            }
            return Submission(requestID: "req_\(id)")
        }
        setup.client.onResult = { id, poll in
            if id == "req_1", poll == 1 {
                throw APIError(.throttled, code: "http_429", httpStatus: 429, message: "slow down", retryAfter: .seconds(60))
            }
            return poll >= 2 ? ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4"], cost: 0.5) : ResultReport(state: .inProgress)
        }
        var options = BatchOptions()
        options.concurrency = 2
        let (result, _) = await drive(setup, options)
        #expect(result.outcomes.values.allSatisfy { $0 == .completed })
        let times = submitTimes.get()
        #expect(times.count == 3)
        // The third job's slot opened long before 60 s; its submit waited out the poll's Retry-After.
        #expect((times.last ?? .zero) >= .seconds(60), "submits at \(times)")
    }

    // MARK: - 5. Expiring output URLs

    @Test("a failed download asks the result again and fetches the fresh URL; the fresh URL is on record")
    func freshURLAfterFailedDownload() async throws {
        let setup = try setup(jobs: 1)
        setup.client.onResult = { id, poll in
            // Every result call hands out a new signed URL; only the newest one works.
            poll >= 2 ? ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4?sig=\(poll)"], cost: 0.5) : ResultReport(state: .inProgress)
        }
        setup.client.onDownload = { url in
            guard url.hasSuffix("sig=3") else { throw APIError(.transient, code: "http_403", httpStatus: 403, message: "expired signature") }
            return Array("ftypmp42 fresh".utf8)
        }
        let (result, _) = await drive(setup)
        #expect(result.outcomes["s1"] == .completed)
        let rendered = try events(setup).filter { $0.kind == .rendered }
        #expect(rendered.count == 2)
        #expect(try fold(setup).record("s1", key: setup.jobs[0].key.description).outputs == ["https://cdn.example.com/req_1.mp4?sig=3"])
    }

    @Test("a result with no output URL any more leaves the job download_failed")
    func noFreshURL() async throws {
        let setup = try setup(jobs: 1)
        setup.client.onResult = { id, poll in
            switch poll {
            case 1: ResultReport(state: .inProgress)
            case 2: ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4"], cost: 0.5)
            default: ResultReport(state: .unknown("purged"))
            }
        }
        setup.client.onDownload = { _ in throw APIError(.transient, code: "http_403", httpStatus: 403, message: "expired signature") }
        let (result, _) = await drive(setup)
        guard case .downloadFailed(_, let message) = result.outcomes["s1"] else {
            Issue.record("expected download_failed, got \(String(describing: result.outcomes["s1"]))")
            return
        }
        #expect(message.contains("no output URL"))
        // On record as download_failed, with its reason: status, report and the next run read it so.
        let record = try fold(setup).record("s1", key: setup.jobs[0].key.description)
        #expect(record.state == .downloadFailed)
        #expect(record.errorMessage?.contains("no output URL") == true)
        #expect(setup.client.recorded.downloads == 1, "the expired URL was fetched again")
    }

    // MARK: - 9. The progress line hears of lost connectivity

    @Test("calls that cannot connect are reported once as unreachable, then as reachable when one gets through")
    func connectivityEvents() async throws {
        let setup = try setup(jobs: 1)
        setup.client.onResult = { id, poll in
            if poll <= 3 { throw APIError(.notSent, code: "transport_not_sent", message: "connection refused") }
            return ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4"], cost: 0.5)
        }
        let (result, seen) = await drive(setup)
        #expect(result.outcomes["s1"] == .completed)
        let changes = seen.compactMap { if case .connectivity(let reachable, _) = $0 { reachable } else { nil } }
        #expect(changes == [false, true])
    }
}
