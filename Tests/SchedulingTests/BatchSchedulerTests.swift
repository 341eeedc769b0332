import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import RunnerTestSupport
import Scheduling
import Testing
import YAML
import JSON

/// The scheduler with a scripted client on a manual clock: the money rules end to end, in milliseconds.
@Suite("Batch scheduler")
struct BatchSchedulerTests {
    typealias Setup = BatchSetup

    private func setup(jobs count: Int, _ store: StoreKind) throws -> Setup {
        try BatchSetup.make(jobs: count, store: store)
    }

    private func runs(_ setup: Setup) -> [PlannedRun] {
        ResumePlanner().plan(setup.jobs, fold: LedgerFold(), prices: .estimate) { _ in false }.runs
    }

    /// Runs the batch, advancing the manual clock until it finishes.
    private func drive(_ setup: Setup, _ options: BatchOptions, runs: [PlannedRun]? = nil, alreadySpent: Double = 0, during: (@Sendable (BatchScheduler<ManualClock>) async -> Void)? = nil) async -> BatchResult {
        var options = options
        options.seed = 7
        if alreadySpent > 0 {
            // Spend from an earlier run, as the ledger records it: a submit that may have started.
            try? await setup.store.append([LedgerEvent(.submitIntent, job: "earlier", time: "t", [
                ("key", .string("v1:earlier")), ("attempt", .int(1)), ("estimated_cost", .number(alreadySpent)),
            ])], releasing: 0)
        }
        return await setup.run(options, runs: runs ?? self.runs(setup), during: during)
    }

    private func states(_ setup: Setup) async -> [String: JobState] {
        await setup.states()
    }

    @Test("every job completes; never more than --concurrency jobs are waited on at once", arguments: StoreKind.allCases)
    func concurrency(store: StoreKind) async throws {
        let setup = try setup(jobs: 12, store)
        var options = BatchOptions()
        options.concurrency = 3
        let result = await drive(setup, options)
        #expect(result.outcomes.values.allSatisfy { $0 == .completed })
        #expect(await states(setup).values.allSatisfy { $0 == .completed })
        #expect(setup.client.recorded.maxActiveJobs <= 3)
        #expect(setup.client.recorded.submits == 12)
        #expect(FileManager.default.fileExists(atPath: setup.folder + "/s7.mp4"))
    }

    @Test("every job gives its slot back to the store once it no longer waits on the service (a shared store's account bound)")
    func slotsGivenBack() async throws {
        let setup = try setup(jobs: 6, .memory)
        var options = BatchOptions()
        options.concurrency = 2
        _ = await drive(setup, options)
        let memory = try #require(setup.store as? MemoryLedger)
        let released = await memory.released
        #expect(released.count == 6 && Set(released) == Set(setup.jobs.map(\.id)))
    }

    @Test("jobs sleeping on the cold-start guess are polled again as soon as the first render time is learnt", arguments: StoreKind.allCases)
    func coldPollsReplanned(store: StoreKind) async throws {
        let setup = try setup(jobs: 16, store)
        let clock = setup.clock
        let seen = FirstSeen()
        setup.client.onResult = { id, _ in
            // Every render takes exactly 2 s from the start (all 16 are submitted at once).
            let now = clock.now.offset
            guard now >= .seconds(2) else { return ResultReport(state: .inProgress) }
            seen.note(id, now)
            return ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4"], cost: 0.5)
        }
        var options = BatchOptions()
        options.concurrency = 16
        let result = await drive(setup, options)
        #expect(result.outcomes.values.allSatisfy { $0 == .completed })
        let times = seen.times
        #expect(times.count == 16)
        // Cold start polls at about 0.25, 0.63, 1.2, 2.0, 3.3 s (x1.5, jittered): a job whose fourth poll came just
        // before 2 s would sleep until 3.3 s on its own. Once one job is seen done, the rest are polled by what it
        // taught: within a step or two.
        let latest = try #require(times.values.max())
        #expect(latest < .milliseconds(2_400), "latest detection at \(latest): \(times.values.sorted())")
    }

    @Test("a local image edited after the manifest was read (same size, other bytes) is not submitted", arguments: StoreKind.allCases)
    func imageChangedSinceRead(store: StoreKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-image-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 64)
        try Data(png).write(to: URL(fileURLWithPath: folder + "/a.png"))
        try Data(png).write(to: URL(fileURLWithPath: folder + "/b.png"))
        let text = "version: 1\nshots:\n  - {id: edited, image: a.png, prompt: p}\n  - {id: kept, image: b.png, prompt: p}\n"
        let manifest = try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder)
        var edited = png
        edited[20] = 2
        try Data(edited).write(to: URL(fileURLWithPath: folder + "/a.png"))
        let ledger = try Ledger(folder: folder)
        let setup = Setup(folder: folder, ledger: ledger, store: store == .memory ? MemoryLedger() : ledger, jobs: manifest.jobs)
        let result = await drive(setup, BatchOptions())
        guard case .failed(let code, let message) = result.outcomes["edited"] else {
            Issue.record("expected the edited image's job to fail, got \(String(describing: result.outcomes["edited"]))")
            return
        }
        #expect(code == "image_changed")
        #expect(message.contains("a.png"))
        #expect(result.outcomes["kept"] == .completed)
        #expect(setup.client.recorded.submits == 1)
    }

    @Test("the submit intent is durable in the ledger before the submit goes out", arguments: StoreKind.allCases)
    func writeAhead(store: StoreKind) async throws {
        let setup = try setup(jobs: 3, store)
        let seen = LockedBox<[Bool]>([])
        setup.client.onSubmit = { _, attempt in
            let events = await setup.events()
            let intents = events.filter { $0.kind == .submitIntent }.count
            seen.mutate { $0.append(intents >= attempt) }
            return Submission(requestID: "req_\(attempt)")
        }
        _ = await drive(setup, BatchOptions())
        #expect(seen.value.count == 3 && seen.value.allSatisfy { $0 })
    }

    @Test("an ambiguous submit becomes unknown_outcome and is not resubmitted; a not-sent one is resent", arguments: StoreKind.allCases)
    func ambiguousAndNotSent(store: StoreKind) async throws {
        let setup = try setup(jobs: 2, store)
        setup.client.onSubmit = { body, attempt in
            if attempt == 1 { throw APIError(.ambiguous, code: "transport_dropped", message: "dropped") }
            if attempt == 2 { throw APIError(.notSent, code: "transport_not_sent", message: "refused") }
            return Submission(requestID: "req_\(attempt)")
        }
        var options = BatchOptions()
        options.concurrency = 1
        _ = await drive(setup, options)
        let states = await states(setup)
        #expect(states["s1"] == .unknownOutcome)
        #expect(states["s2"] == .completed)
        #expect(setup.client.recorded.submits == 3)
    }

    @Test("a 429 pauses new submits for everyone while polls go on", arguments: StoreKind.allCases)
    func throttlePausesSubmits(store: StoreKind) async throws {
        let setup = try setup(jobs: 6, store)
        let times = LockedBox<[Duration]>([])
        let pollsDuringPause = LockedBox(0)
        let clock = setup.clock
        setup.client.onSubmit = { _, attempt in
            times.mutate { $0.append(clock.now.offset) }
            if attempt == 2 { throw APIError(.throttled, code: "http_429", message: "slow down", retryAfter: .seconds(30)) }
            return Submission(requestID: "req_\(attempt)")
        }
        setup.client.onResult = { id, poll in
            if clock.now.offset < .seconds(30) { pollsDuringPause.mutate { $0 += 1 } }
            return poll >= 2 ? ResultReport(state: .completed, outputs: ["https://o/\(id).mp4"]) : ResultReport(state: .inProgress)
        }
        var options = BatchOptions()
        options.concurrency = 3
        _ = await drive(setup, options)
        let submitTimes = times.value
        #expect(submitTimes.count == 7)
        // The second submit is throttled: no submit goes out in the 30 seconds after it (those at the same
        // instant were already on their way), while the polls of the jobs in flight go on.
        let throttledAt = submitTimes[1]
        #expect(!submitTimes.contains { $0 > throttledAt && $0 < throttledAt + .seconds(30) })
        #expect(submitTimes.filter { $0 >= throttledAt + .seconds(30) }.count >= 4)
        #expect(pollsDuringPause.value >= 2)
        #expect(await states(setup).values.allSatisfy { $0 == .completed })
    }

    @Test("a fatal error stops new submits; jobs in flight are still polled and downloaded", arguments: StoreKind.allCases)
    func fatalStopsSubmits(store: StoreKind) async throws {
        let setup = try setup(jobs: 5, store)
        setup.client.onSubmit = { _, attempt in
            if attempt == 3 { throw APIError(.fatal, code: "api_400002", message: "no balance") }
            return Submission(requestID: "req_\(attempt)")
        }
        setup.client.onResult = { id, poll in
            poll >= 5 ? ResultReport(state: .completed, outputs: ["https://o/\(id).mp4"]) : ResultReport(state: .inProgress)
        }
        var options = BatchOptions()
        options.concurrency = 3
        let result = await drive(setup, options)
        #expect(result.fatal?.code == "api_400002")
        let states = await states(setup)
        #expect(states.values.filter { $0 == .completed }.count == 2)
        #expect(states.values.filter { $0 == .pending }.count == 3)
        #expect(setup.client.recorded.submits == 3)
    }

    @Test("--max-cost counts the folder's spend and stops submits before it would pass", arguments: StoreKind.allCases)
    func maxCost(store: StoreKind) async throws {
        let setup = try setup(jobs: 6, store)
        var options = BatchOptions()
        options.concurrency = 1
        options.maxCost = 2.0  // 0.56 each: 0.3 already spent + 3 jobs = 1.98
        let result = await drive(setup, options, alreadySpent: 0.3)
        #expect(result.costCapReached)
        #expect(setup.client.recorded.submits == 3)
    }

    @Test("poll errors never fail a job; a 404 expires it", arguments: StoreKind.allCases)
    func pollErrors(store: StoreKind) async throws {
        let setup = try setup(jobs: 2, store)
        setup.client.onResult = { id, poll in
            if id == "req_1" { throw APIError(.expired, code: "api_404001", message: "gone") }
            if poll < 6 { throw APIError(.transient, code: "http_502", message: "bad gateway") }
            return ResultReport(state: .completed, outputs: ["https://o/\(id).mp4"])
        }
        var options = BatchOptions()
        options.concurrency = 1  // s1 is submitted first, so it is req_1
        _ = await drive(setup, options)
        let states = await states(setup)
        #expect(states["s1"] == .expired)
        #expect(states["s2"] == .completed)
    }

    @Test("a job still rendering at --job-timeout is left running for the next run", arguments: StoreKind.allCases)
    func jobTimeout(store: StoreKind) async throws {
        let setup = try setup(jobs: 1, store)
        setup.client.onResult = { _, _ in ResultReport(state: .inProgress) }
        var options = BatchOptions()
        options.jobTimeout = .seconds(120)
        let result = await drive(setup, options)
        #expect(result.outcomes["s1"] == .leftRunning)
        let jobStates = await states(setup)
        #expect(jobStates["s1"] == .queued || jobStates["s1"] == .running)
    }

    @Test("the monotonic clock jumps 3 hours (a suspended machine): jobs past --job-timeout are left running, none failed or sent again", arguments: StoreKind.allCases)
    func clockJumpsForward(store: StoreKind) async throws {
        let setup = try setup(jobs: 4, store)
        var options = BatchOptions()
        options.concurrency = 4
        options.jobTimeout = .seconds(600)
        let result = await drive(setup, options) { _ in
            while setup.client.recorded.submits < 4 { await Task.yield() }
            setup.clock.advance(by: .seconds(3 * 3600))
        }
        #expect(result.outcomes.count == 4)
        #expect(result.outcomes.values.allSatisfy { $0 == .leftRunning }, "\(result.outcomes)")
        #expect(setup.client.recorded.submits == 4)
        let states = await states(setup)
        #expect(states.values.allSatisfy { $0 == .queued || $0 == .running }, "\(states)")
    }

    @Test("an interrupt stops submits and polls; submits on the wire are recorded", arguments: StoreKind.allCases)
    func interrupt(store: StoreKind) async throws {
        let setup = try setup(jobs: 6, store)
        setup.client.onResult = { _, _ in ResultReport(state: .inProgress) }
        var options = BatchOptions()
        options.concurrency = 2
        let result = await drive(setup, options) { scheduler in
            while setup.client.recorded.submits < 2 { await Task.yield() }
            await scheduler.interrupt()
        }
        #expect(result.interrupted)
        #expect(setup.client.recorded.submits == 2)
        let states = await states(setup)
        #expect(states.values.filter { $0 == .queued || $0 == .running }.count == 2)
        #expect(states.values.filter { $0 == .pending }.count == 4)
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]

    @Test("every output is downloaded, named -1, -2 with the extension its bytes show; completed once all are on record", arguments: StoreKind.allCases)
    func severalOutputs(store: StoreKind) async throws {
        let setup = try setup(jobs: 2, store)
        setup.client.onResult = { id, poll in
            poll >= 2 ? ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id)/a", "https://cdn.example.com/\(id)/b.bin"], cost: 0.06) : ResultReport(state: .inProgress)
        }
        let failSecondOnce = LockedBox(true)
        setup.client.onDownload = { url in
            if url.hasSuffix("req_1/b.bin"), failSecondOnce.value {
                failSecondOnce.mutate { $0 = false }
                throw APIError(.transient, code: "transport_reset", message: "reset")
            }
            return Self.png + Array(url.utf8)
        }
        _ = await drive(setup, BatchOptions())
        let events = await setup.events()
        let fold = LedgerFold(events)
        for job in setup.jobs {
            let record = fold.record(job.id, key: job.key.description)
            #expect(record.state == .completed)
            #expect(record.files == ["\(job.id)-1.png", "\(job.id)-2.png"])
            for file in record.files.compactMap({ $0 }) {
                #expect(FileManager.default.fileExists(atPath: setup.folder + "/" + file), "\(file)")
            }
        }
        let downloaded = events.filter { $0.kind == .downloaded }
        #expect(downloaded.count == 4)
        #expect(downloaded.allSatisfy { $0["outputs"] == .int(2) })
        // After the first output alone, the job is rendered, not completed: a resume fetches the rest.
        let firstOnly = events.prefix { !($0.kind == .downloaded && $0.job == setup.jobs[0].id && $0["output"] == .int(2)) }
        let partial = LedgerFold(Array(firstOnly)).record(setup.jobs[0].id, key: setup.jobs[0].key.description)
        if partial.files.first != nil {
            #expect(partial.state == .rendered && !partial.hasEveryFile)
            let plan = ResumePlanner().plan([setup.jobs[0]], fold: LedgerFold(Array(firstOnly)), prices: .estimate) { _ in true }
            #expect(plan.runs.map(\.start) == [.download(outputs: partial.outputs)])
        } else {
            Issue.record("the first output was not on record before the second: \(partial)")
        }
    }
}

/// A value shared with `@Sendable` closures under a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()

    init(_ value: Value) { stored = value }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func mutate(_ change: (inout Value) -> Void) {
        lock.lock()
        change(&stored)
        lock.unlock()
    }
}

/// When each request was first answered as done.
private final class FirstSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Duration] = [:]

    func note(_ id: String, _ time: Duration) {
        lock.lock()
        defer { lock.unlock() }
        if seen[id] == nil { seen[id] = time }
    }

    var times: [String: Duration] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }
}
