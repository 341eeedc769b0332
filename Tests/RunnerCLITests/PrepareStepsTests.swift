import Foundation
import JobManifest
import ModelAPI
import ResultsLedger
import Scheduling
@testable import RunnerCLI
import Testing
import YAML

/// `run`'s preparation as named steps a test can call: plan (what is left, and the stops before spending) and the
/// opening lines on record.
@Suite("run's preparation, step by step")
struct PrepareStepsTests {
    static func scope(_ text: String) throws -> BatchRun.Scope {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-prepare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder.path)
        return BatchRun.Scope(manifest: manifest, jobs: manifest.jobs, shardJobs: manifest.jobs, folderPath: folder.path)
    }

    static let board = """
        version: 1
        shots:
          - {id: a, image: "https://example.com/a.png", prompt: Dawn.}
          - {id: b, image: {from: a, frame: last}, prompt: Noon.}
        """

    @Test("plan: a new folder submits the source and waits the dependent; with no terminal to ask it needs --yes")
    func plan() throws {
        let scope = try Self.scope(Self.board)
        var request = RunRequest(manifest: "m.yaml")
        let asking = BatchRun(request: request, console: Console(), environment: [:])
        #expect(throws: CLIError.self) { try asking.planWork(scope, fold: LedgerFold()) }
        request.yes = true
        let work = try BatchRun(request: request, console: Console(), environment: [:]).planWork(scope, fold: LedgerFold())
        #expect(work.graph.submits == 2)
        #expect(work.graph.plan.runs.map(\.id) == ["a"])
        #expect(work.graph.waiting.map(\.job.id) == ["b"])
        #expect(work.waitingOnRecord.map(\.job.id) == ["b"])
        request.downloads = false
        let noDownloads = try BatchRun(request: request, console: Console(), environment: [:]).planWork(scope, fold: LedgerFold())
        #expect(noDownloads.graph.waiting.isEmpty && noDownloads.waitingOnRecord.map(\.job.id) == ["b"], "a dependent cannot be built without downloads")
    }

    @Test("open: run_started first, then the waiting dependents, then the prices")
    func opening() throws {
        let scope = try Self.scope(Self.board)
        let request = RunRequest(manifest: "m.yaml", yes: true)
        let run = BatchRun(request: request, console: Console(), environment: [:])
        let work = try run.planWork(scope, fold: LedgerFold())
        let target = BatchRun.Target(simulator: nil, token: .init("t"), base: "https://api.example", effectiveBase: "https://api.example", proxies: .direct)
        let opening = BatchRun.Opening(scope: scope, fold: LedgerFold(), target: target, work: work, prices: .estimate, request: request)
        let kinds = opening.lines().map { String(decoding: $0.lineBytes, as: UTF8.self) }.map { line in
            ["run_started", "waiting", "price"].first { line.contains("\"event\":\"\($0)\"") } ?? "?"
        }
        #expect(kinds == ["run_started", "waiting", "price"])
    }
}
