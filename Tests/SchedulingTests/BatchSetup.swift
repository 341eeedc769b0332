import Foundation
import JobManifest
import ResultsLedger
import RunnerTestSupport
import Scheduling
import Testing
import YAML

/// The two stores the scheduler's tests run against through the same protocol: the folder's ledger and the
/// in-memory one.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case folder, memory
    var testDescription: String { rawValue }
}

/// A batch for scheduler tests: a run folder (outputs go there), its store (the folder's ledger, or one in
/// memory), a manual clock, a scripted client, and the jobs of a manifest of `count` shots with remote images.
struct BatchSetup: Sendable {
    let folder: String
    /// The folder's ledger (what the folder store is; unused by a memory batch).
    let ledger: Ledger
    /// What the scheduler writes to.
    let store: any LedgerStore
    let clock = ManualClock()
    let client = ScriptedAPIClient()
    let jobs: [Job]

    init(folder: String, ledger: Ledger, store: (any LedgerStore)? = nil, jobs: [Job]) {
        self.folder = folder
        self.ledger = ledger
        self.store = store ?? ledger
        self.jobs = jobs
    }

    /// `beforeWrite` holds the ledger's writes where a test needs it (`Ledger`'s test seam).
    static func make(jobs count: Int, store kind: StoreKind = .folder, beforeWrite: (@Sendable () async -> Void)? = nil) throws -> BatchSetup {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-batch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = "version: 1\nshots:\n" + (1...count).map { "  - {id: s\($0), image: https://x.example/\($0).png, prompt: p}\n" }.joined()
        let manifest = try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: "/")
        let ledger = try Ledger(folder: folder, beforeWrite: beforeWrite)
        return BatchSetup(folder: folder, ledger: ledger, store: kind == .memory ? MemoryLedger() : ledger, jobs: manifest.jobs)
    }

    /// Every line on record, in order, from whichever store the batch wrote to.
    func events() async -> [LedgerEvent] {
        if let memory = store as? MemoryLedger { return await memory.events }
        return (try? Ledger.readEvents(folder: folder)) ?? []
    }

    /// Each job's state as the lines on record fold.
    func states() async -> [String: JobState] {
        let fold = LedgerFold(await events())
        return Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, fold.record($0.id, key: $0.key.description).state) })
    }

    /// Runs a batch on the manual clock, moving it to the next deadline whenever every job sleeps, until it ends.
    func run(
        _ options: BatchOptions, runs planned: [PlannedRun], dependents: DependentWork? = nil,
        during: (@Sendable (BatchScheduler<ManualClock>) async -> Void)? = nil
    ) async -> BatchResult {
        let scheduler = BatchScheduler(client: client, ledger: store, folder: folder, modelID: "m", options: options, clock: clock, now: { "t" })
        let clock = self.clock
        return await withTaskGroup(of: BatchResult?.self) { group in
            group.addTask { await scheduler.run(planned, dependents: dependents) }
            group.addTask {
                if let during { await during(scheduler) }
                // Let the scheduler run until every job sleeps on the clock, then move to the next deadline.
                for _ in 0..<100_000 {
                    if Task.isCancelled { break }
                    for _ in 0..<50 { await Task.yield() }  // every job asleep before the clock moves, even under a sanitizer
                    if !clock.advanceToNextDeadline() { await Task.yield() }
                }
                return nil
            }
            let result = await group.next()!
            group.cancelAll()
            return result ?? BatchResult()
        }
    }
}
