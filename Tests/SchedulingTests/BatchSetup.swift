import Foundation
import JobManifest
import ResultsLedger
import RunnerTestSupport
import Scheduling
import YAML

/// A batch for scheduler tests: a run folder with its ledger, a manual clock, a scripted client, and the jobs of
/// a manifest of `count` shots with remote images.
struct BatchSetup {
    let folder: String
    let ledger: Ledger
    let clock = ManualClock()
    let client = ScriptedAPIClient()
    let jobs: [Job]

    /// `beforeWrite` holds the ledger's writes where a test needs it (`Ledger`'s test seam).
    static func make(jobs count: Int, beforeWrite: (@Sendable () async -> Void)? = nil) throws -> BatchSetup {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-batch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = "version: 1\nshots:\n" + (1...count).map { "  - {id: s\($0), image: https://x.example/\($0).png, prompt: p}\n" }.joined()
        let manifest = try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: "/")
        return BatchSetup(folder: folder, ledger: try Ledger(folder: folder, beforeWrite: beforeWrite), jobs: manifest.jobs)
    }

    /// Runs a batch on the manual clock, moving it to the next deadline whenever every job sleeps, until it ends.
    func run(
        _ options: BatchOptions, runs planned: [PlannedRun], dependents: DependentWork? = nil,
        during: (@Sendable (BatchScheduler<ManualClock>) async -> Void)? = nil
    ) async -> BatchResult {
        let scheduler = BatchScheduler(client: client, ledger: ledger, folder: folder, modelID: "m", options: options, clock: clock, now: { "t" })
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
