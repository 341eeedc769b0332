import Foundation
import JobManifest
import ResultsLedger
import RunnerTestSupport
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
}
