import Crypto
import Foundation
import JSON
import JobManifest
import Logging
import PostgresNIO
import ProcessSignals
import ResultsLedger
import Scheduling
import SharedLedger

extension BatchRun {
    /// `run --ledger URL`: this process is one worker of a batch kept in the shared ledger. It joins the batch (the
    /// first worker opens it, the others check that they render the same), keeps its lease alive, and renders in
    /// rounds: each round plans from every worker's lines and drives the jobs it can claim; it stays while any job
    /// of the batch is unfinished (held by a live worker, or claimable once that worker's lease lapses), and leaves
    /// when every job is terminal or waits for an approval. No folder lock: the database orders the writers.
    func performShared(_ url: LedgerURL) async throws -> Int32 {
        guard !request.simulate else {
            throw CLIError.usage("--simulate starts a simulator inside this process, which other workers cannot reach: start 'shotrunner simulate' and give its URL with --base-url")
        }
        let scope = try scope(of: try readManifest())
        let batch = request.batch ?? RunNotification.name(of: request.manifest)
        guard SharedWorker.validBatch(batch) else {
            throw CLIError.usage("the batch name '\(batch)' is not 1 to 64 of A-Z a-z 0-9 . _ - (name it with --batch NAME)")
        }
        notifier?.folder = scope.folderPath
        // A folder is one batch's: one with its own ledger (move it in with `ledger import`), or pointing at another
        // batch, is not taken over (its renders would be paid for again, its files overwritten).
        if let pointer = SharedPointer.read(folder: scope.folderPath) {
            guard pointer.batch == batch, pointer.url == url.description else {
                throw CLIError.usage("the run folder \(scope.folderPath) belongs to batch \(pointer.batch) of \(pointer.url): give this batch another --out")
            }
        } else if FileManager.default.fileExists(atPath: scope.folderPath + "/ledger.jsonl") {
            throw CLIError.usage(
                "the run folder \(scope.folderPath) has its own ledger: move its batch into the database first ('shotrunner ledger import \(scope.folderPath) --ledger \(url) --batch \(batch)'), or give another --out"
            )
        }
        let target = try await target(fold: LedgerFold(), folderPath: scope.folderPath)
        do {
            try SharedPointer(url, batch: batch).write(folder: scope.folderPath)
        } catch {
            throw CLIError.ledger(.io(operation: "write", path: scope.folderPath + "/" + SharedPointer.fileName, reason: "\(error)", errno: 0))
        }
        let worker = SharedWorker(url: url, batch: batch, target: target, request: request, folder: scope.folderPath)
        return try await worker.withStore { store in
            try await render(scope, target: target, store: store, worker: worker)
        }
    }

    /// The worker's rounds, once it has joined.
    private func render(_ scope: Scope, target: Target, store: PostgresLedger, worker: SharedWorker) async throws -> Int32 {
        let joining = try await worker.join(store, scope: scope, request: request)
        let fold = await store.fold
        let ending = RunEnding(
            ledger: store, folder: scope.folderPath, jobs: scope.shardJobs.map { ($0.id, $0.keyText) }, notifier: notifier,
            manifest: RunFolderPaths.absolute(request.manifest)
        )
        let heartbeat = worker.keepAlive(store)
        defer { heartbeat.cancel() }
        var prepared = try await prepare(scope, target: target, fold: fold, ledger: store, ending: ending, opens: joining == .open)
        if joining == .open {
            do { try await store.opened() } catch { throw CLIError.ledger(error) }
        } else {
            console.err("joined batch \(worker.batch) as worker \(worker.id)")
        }
        guard !prepared.interruption.signalled else {
            let status = prepared.signals.lastSignal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
            await ending.write(status: status, reason: "interrupted")
            try? await store.leave()
            return status
        }
        guard confirm(prepared) else {
            console.err("nothing submitted")
            try? await store.leave()
            return ExitStatus.jobsUnfinished
        }
        var result = BatchResult()
        while true {
            // Each worker starts at its own place in the list (and goes round it): workers that all began with the
            // first jobs would race for every claim; this way each finds most jobs free, and passes over those the
            // others finished (its store's fold says so) without asking the database.
            prepared.plan.runs = worker.rotated(prepared.plan.runs)
            let round = await execute(prepared, ledger: store)
            result.absorb(round)
            if round.stopsTheWorker || prepared.interruption.signalled { break }
            if let lost = heartbeat.databaseLost(after: request.dbTimeout) {
                result.ledgerFailure = lost
                break
            }
            guard let next = try await nextRound(prepared, store: store) else { break }
            // Every job left is driven by another live worker: look again shortly (a lapsed lease frees them).
            if round.onlyHeldElsewhere { try? await Task.sleep(for: worker.idlePause) }
            prepared.plan = next.plan
            prepared.graph = next
        }
        let status = await finish(prepared, result: result, ledger: store, ending: ending)
        // No heartbeat after leaving: a late one would make the worker look alive for another lease.
        heartbeat.cancel()
        do {
            try await store.leave()
        } catch {
            console.err("warning: could not leave the batch (its lease lapses by itself): \(error)")
        }
        return status
    }

    /// What is left once a round ends, planned from every worker's lines: nil when every job of the batch is
    /// terminal or waits for an approval. Intents another worker left without an answer (its lease lapsed) become
    /// `unknown_outcome` here, once claimed.
    private func nextRound(_ prepared: Prepared, store: PostgresLedger) async throws -> ResumePlanner.GraphPlan? {
        // Every worker's lines: while the database does not answer, waited for up to --db-timeout.
        let deadline = ContinuousClock.now.advanced(by: request.dbTimeout)
        while true {
            do {
                _ = try await store.changes()
                break
            } catch {
                guard ContinuousClock.now < deadline, !prepared.interruption.signalled else { throw CLIError.ledger(error) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await store.reap()
        // Later rounds take what the batch needs now, not what the command line asked of the states it found: a job
        // that failed, went unanswered or could not be downloaded meanwhile waits for the next run, as with a folder.
        var work = try planWork(prepared.scope, fold: await store.fold, asked: false)
        work.graph.plan.runs.removeAll { if case .downloadAgain = $0.start { true } else { false } }
        for (job, key) in work.graph.plan.unanswered where await store.claim([job], limit: 1) == [job] {
            // Claimed: its worker is gone (or it was this one's). Still without an answer as the database has it now?
            guard await store.fold.record(job, key: key).state == .submitting else { continue }
            do {
                try await store.append([.unknownOutcome(
                    job: job, key: key, code: "no_answer_recorded",
                    message: "a worker sent a submit and stopped before recording its answer; check RunComfy's Generations page, then adopt or --resubmit-unknown",
                    time: Timestamp.now()
                )], releasing: 0)
            } catch {
                throw CLIError.ledger(error)
            }
            await store.release(job: job)
        }
        // Nothing left to drive: done. Dependents still waiting then wait on sources that ended or that wait for an
        // approval; only `--wait-approval` stays for those.
        guard !work.graph.plan.runs.isEmpty || (!work.graph.waiting.isEmpty && request.waitForApproval) else { return nil }
        Self.apply(prepared.prices, to: &work.graph)
        return work.graph
    }
}
