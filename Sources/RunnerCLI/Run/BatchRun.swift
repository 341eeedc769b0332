import APISimulator
import Crypto
import Foundation
import JSON
import JobManifest
import ModelAPI
import ProcessSignals
import ResultsLedger
import Scheduling

/// `run` itself, in four steps: **prepare** (where to render, what is left to do, the price), **confirm** (the
/// spend prompt), **execute** (the scheduler), **finish** (the exit status, a pure function of the outcome, and
/// what the user must be told). The run folder's lock is held for exactly the scope that writes its ledger; from
/// the moment the folder is open, every end of the run is on record (`run_finished` and `summary.json`).
struct BatchRun {
    let request: RunRequest
    let console: Console
    let environment: [String: String]
    /// Who hears of the run's end (`--notify`).
    var notifier: Notifier?

    /// Renders the manifest; returns the exit status (errors that end the run early are thrown as `CLIError`).
    func perform() async throws -> Int32 {
        if let ledger = request.ledger { return try await performShared(ledger) }
        // Nothing changed and nothing is left: the folder's own list stands, and the manifest is not read again.
        if let status = try await resumeUnchanged() { return status }
        let scope = try scope(of: try readManifest())
        let folderPath = scope.folderPath
        if let pointer = SharedPointer.read(folder: folderPath) {
            throw CLIError.usage("the run folder \(folderPath) renders through the shared ledger \(pointer.url), batch \(pointer.batch): run it with --ledger \(pointer.url) --batch \(pointer.batch)")
        }
        notifier?.folder = folderPath
        do {
            return try await RunFolder.withLock(path: folderPath) { _ in
                let ledger: Ledger
                do {
                    ledger = try Ledger(folder: folderPath, repair: request.repairLedger, afterDurable: Self.faultHook(environment, folder: folderPath))
                } catch let error as LedgerError {
                    throw CLIError.ledger(error)
                }
                for note in ledger.repairs { console.err("note: \(note)") }
                let ending = RunEnding(
                    ledger: ledger, folder: folderPath, jobs: scope.shardJobs.map { ($0.id, $0.keyText) }, notifier: notifier,
                    manifest: RunFolderPaths.absolute(request.manifest)
                )
                do {
                    return try await render(scope, ledger: ledger, ending: ending)
                } catch {
                    // A usage error (another base URL, no --yes without a terminal) leaves a folder it did not run in as it was.
                    let status = Entry.status(for: error)
                    if status != ExitStatus.invalidInput { await ending.write(status: status, reason: Entry.briefly(error)) }
                    throw error
                }
            }
        } catch let error as LedgerError {
            throw CLIError.ledger(error)
        }
    }

    /// The manifest, read and checked (its problems printed: exit 2).
    func readManifest() throws -> Manifest {
        let reader = ManifestReader(models: ModelRegistry(catalog: try CatalogOption.load(file: request.catalogFile, environment: environment)))
        do {
            let manifest = try reader.read(path: request.manifest)
            if !manifest.warnings.isEmpty { console.err(DiagnosticRenderer.render(manifest.warnings, path: request.manifest)) }
            return manifest
        } catch {
            console.err(DiagnosticRenderer.render(error.diagnostics, path: request.manifest))
            throw CLIError.invalidManifests(count: 1)
        }
    }

    /// The run's folder and jobs: `--out` (else the default folder), the takes retakes asked for, the shard and
    /// `--only`.
    func scope(of read: Manifest) throws -> Scope {
        var manifest = read
        var defaultFolder = RunFolderPaths.defaultFolder(manifest: request.manifest, simulated: request.simulate)
        if let shard = request.shard { defaultFolder += "/" + shard.folderName }
        let folderPath = RunFolderPaths.absolute(request.out ?? defaultFolder)
        if request.fresh, !RunFolder.isNewOrEmpty(folderPath) {
            throw CLIError.usage("--fresh: the run folder \(folderPath) is not empty (choose another --out, or drop --fresh to resume)")
        }
        // The takes retakes asked for (in the folder's decisions) join the manifest's own.
        do {
            manifest = manifest.addingTakes(try DecisionLog.decisions(folder: folderPath).addedTakes)
        } catch {
            throw CLIError.ledger(error)
        }
        // A shard keeps each group of jobs that feed each other together.
        let shardJobs = manifest.jobs(in: request.shard)
        // Without `--only`, the shard's own list (not a copy of 100,000 jobs).
        let jobs = request.only.map { only in shardJobs.filter { Glob.matches(only, $0.id) } } ?? shardJobs
        return Scope(manifest: manifest, jobs: jobs, shardJobs: shardJobs, folderPath: folderPath)
    }

    /// What the manifest gives this run: the jobs asked for (`--only`), those of the shard (the summary's), and
    /// the folder.
    struct Scope {
        let manifest: Manifest
        let jobs: [Job]
        let shardJobs: [Job]
        let folderPath: String
    }

    /// The run, once its folder is open: prepare, confirm, execute, finish.
    private func render(_ scope: Scope, ledger: Ledger, ending: RunEnding) async throws -> Int32 {
        let target = try await target(fold: ledger.initialFold, folderPath: scope.folderPath)
        do {
            let status = try await render(scope, target: target, ledger: ledger, ending: ending)
            if let simulator = target.simulator { await simulator.stop() }
            return status
        } catch {
            if let simulator = target.simulator { await simulator.stop() }
            throw error
        }
    }

    private func render(_ scope: Scope, target: Target, ledger: Ledger, ending: RunEnding) async throws -> Int32 {
        let prepared = try await prepare(scope, target: target, fold: ledger.initialFold, ledger: ledger, ending: ending)
        // Planned: the fold the folder was opened with is no longer needed (the ledger's live fold goes on).
        ledger.releaseInitialFold()
        // The manifest's tree and the planning are gone: hand their pages back. glibc keeps freed memory in the
        // arena of the thread that freed it, and the run's own allocations come from other threads' arenas (measured
        // at 100,000 jobs: without this the peak carries the reading's pages to the end).
        MemoryRelease.returnFreePages()
        guard !prepared.interruption.signalled else {
            // A signal came while the run was being prepared: nothing is submitted, and the end the signal asked
            // for is on record before this returns (the signal's own writing of it, waited for).
            let status = prepared.signals.lastSignal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
            await ending.write(status: status, reason: "interrupted")
            return status
        }
        guard confirm(prepared) else {
            console.err("nothing submitted")
            await ending.write(status: ExitStatus.jobsUnfinished, reason: "the spend prompt was declined")
            return ExitStatus.jobsUnfinished
        }
        let result = await execute(prepared, ledger: ledger)
        return await finish(prepared, result: result, ledger: ledger, ending: ending)
    }

    /// The fault-injection hook of crash tests (debug builds only: a release binary holds no trace of it).
    private static func faultHook(_ environment: [String: String], folder: String) -> (@Sendable (Int) -> Void)? {
        #if DEBUG
        FaultHook.fromEnvironment(environment, folder: folder)
        #else
        nil
        #endif
    }
}
