import AtomicFiles
import Foundation
import HeapModule
import JobManifest
import ModelAPI
import ResultsLedger

/// The storyboard graph in a batch: waiting jobs brought in as their sources complete, blocked ones recorded, and
/// the inputs of a dependent built from its sources' files at the moment of its submit.
extension BatchScheduler {
    /// Queues a run to start when a slot is free.
    func enqueue(_ run: PlannedRun) {
        let key = ReadyKey(rank: run.rank, order: run.order, sequence: readyRuns.count)
        readyRuns.append(run)
        ready.insert(key)
    }

    /// The next run to start, if any.
    func nextReady() -> PlannedRun? {
        guard let key = ready.popMin() else { return nil }
        defer { readyRuns[key.sequence] = nil }
        return readyRuns[key.sequence]
    }

    /// A job's end, as its dependents see it: completed brings them in; a failed end blocks them; anything else
    /// (left pending, still running, a stop) leaves them waiting for the next run.
    func settle(_ id: String, _ outcome: JobLifecycle.Outcome) async {
        guard graph != nil, let dependents = graph?.dependents[id], !dependents.isEmpty else { return }
        switch outcome {
        case .completed:
            // A gating source holds its dependents until it is approved under its key (`--wait-approval` looks
            // for the approval; else they wait for the next run).
            if let key = graph?.keys[id], graph?.work.gates.contains(id) == true, await !ledger.fold.isApproved(id, key: key) {
                graph?.approvalHolds.insert(id)
                graph?.release(after: id)
                for dependent in dependents { emit(dependent, .awaitingApproval, "waits for an approval of \(id)") }
                return
            }
            for dependent in dependents {
                graph?.remaining[dependent]?.remove(id)
                if graph?.remaining[dependent]?.isEmpty == true { await bringIn(dependent) }
            }
        case .failed, .expired, .cancelled, .unknownOutcome, .downloadFailed:
            await block(dependents, source: id, state: Self.stateName(outcome))
        case .rendered, .leftPending, .leftRunning, .stopBatch, .stopRun:
            // They keep waiting, for the next run: nothing need be kept aside for them now.
            graph?.release(after: id)
        }
    }

    /// A waiting job whose sources have all completed: resolved against the ledger, planned like any job (it may
    /// have rendered under this very key before), and queued.
    private func bringIn(_ id: String) async {
        guard !state.everythingStopped, let waiting = graph?.waiting.removeValue(forKey: id), let work = graph?.work else { return }
        graph?.reserved -= waiting.estimatedCost
        let fold = await ledger.fold
        let keys = graph?.keys ?? [:]
        let resolution = GraphResolver.resolve(waiting.job) { source in
            guard let key = keys[source] else { return .pending }
            return GraphResolver.state(of: fold.record(source, key: key), fileExists: work.fileExists)
        }
        switch resolution {
        case .waiting:
            // A source's end is not on record as completed after all: it stays waiting (the next run looks again).
            graph?.waiting[id] = waiting
            graph?.reserved += waiting.estimatedCost
        case .blocked(let source, let sourceState):
            await recordBlocked(waiting, source: source, state: sourceState)
            await block(graph?.dependents[id] ?? [], source: id, state: JobState.blocked.rawValue)
        case .resolved(let job):
            graph?.keys[id] = job.keyText
            let sources = job.body.resolvedInputs.map { input in
                LedgerEvent.ResolvedSource(
                    job: input.reference.job, output: input.reference.outputIndex + 1, frame: input.reference.frame?.text, sha256: input.sourceSHA256, path: nil
                )
            }
            guard await record(.inputsResolved(job: id, key: job.keyText, sources: sources, time: now())) else { return }
            var plan = work.planner.plan([job], fold: fold, prices: work.prices, fileExists: work.fileExists)
            for (unanswered, key) in plan.unanswered {
                _ = await record(.unknownOutcome(
                    job: unanswered, key: key, code: "no_answer_recorded",
                    message: "a submit was sent and no answer recorded (the run stopped); check RunComfy's Generations page, then adopt or --resubmit-unknown",
                    time: now()
                ))
            }
            // A render already being collected (as superseded, before this job's key was known) is not collected a
            // second time, even under the key it resolved to: its end settles this job instead.
            let collecting = graph?.collecting ?? []
            plan.runs.removeAll { collecting.contains($0.id + "\n" + $0.key) }
            for index in plan.runs.indices {
                plan.runs[index].rank = waiting.rank
                plan.runs[index].order = waiting.order
                enqueue(plan.runs[index])
            }
            emit(id, .pending, "its sources are ready")
            guard !plan.runs.contains(where: { $0.body != nil }) else { return }
            // Nothing to render: it rendered under this key before. Its own dependents go on from its record.
            let settled = (await ledger.fold).record(id, key: job.keyText)
            switch GraphResolver.state(of: settled, fileExists: work.fileExists) {
            case .completed: await settle(id, .completed)
            case .ended(let ended): await block(graph?.dependents[id] ?? [], source: id, state: ended.rawValue)
            case .pending: break
            }
        }
    }

    /// Blocks waiting jobs (and, through them, whatever waits on them): a `blocked` line each, nothing submitted,
    /// their estimates released.
    func block(_ ids: [String], source: String, state sourceState: String) async {
        for id in ids {
            guard let waiting = graph?.waiting.removeValue(forKey: id) else { continue }
            graph?.reserved -= waiting.estimatedCost
            await recordBlocked(waiting, source: source, state: sourceState)
            await block(graph?.dependents[id] ?? [], source: id, state: JobState.blocked.rawValue)
        }
    }

    /// A dependent whose inputs cannot be built (a source's file changed or gone, a frame ffmpeg cannot take): a
    /// `blocked` line with the reason, nothing sent; the next run tries again. What waits on it is blocked too.
    func inputsUnavailable(_ run: PlannedRun, reason: String) async {
        let source = run.body?.allReferences.first?.job ?? ""
        _ = await record(.blocked(job: run.id, key: run.key, source: source, sourceState: "input_unavailable", reason: reason, time: now()))
        result.blocked.append(run.id)
        emit(run.id, .blocked, reason)
        await block(graph?.dependents[run.id] ?? [], source: run.id, state: JobState.blocked.rawValue)
    }

    private func recordBlocked(_ waiting: ResumePlanner.WaitingJob, source: String, state sourceState: String) async {
        let reason = "its source \(source) is \(sourceState.replacingOccurrences(of: "_", with: " ")); nothing was submitted"
        _ = await record(.blocked(job: waiting.job.id, key: waiting.job.keyText, source: source, sourceState: sourceState, reason: reason, time: now()))
        result.blocked.append(waiting.job.id)
        emit(waiting.job.id, .blocked, reason)
    }

    private static func stateName(_ outcome: JobLifecycle.Outcome) -> String {
        switch outcome {
        case .failed: JobState.failed.rawValue
        case .expired: JobState.expired.rawValue
        case .cancelled: JobState.cancelled.rawValue
        case .unknownOutcome: JobState.unknownOutcome.rawValue
        case .downloadFailed: JobState.downloadFailed.rawValue
        default: JobState.pending.rawValue
        }
    }

    // MARK: - Inputs at submit

    /// Builds a dependent's inputs from its sources' files: each resolved reference gets the file to send (the
    /// source's output, checked against the digest its key was made from, or the frame extracted from it into
    /// `frames/`, reused when there), and the sources go on record in `inputs_resolved`.
    func buildInputs(_ run: PlannedRun, _ body: RequestBody) async throws -> RequestBody {
        let fold = await ledger.fold
        let frames = graph?.work.frames
        var sources: [LedgerEvent.ResolvedSource] = []
        var built: [ResolvedInput] = []
        var bodyBytes = 0
        if let reference = body.references.first { throw InputUnavailable(message: "the output of \(reference.job) is not ready") }
        for input in body.resolvedInputs {
            let reference = input.reference
            // The source's record under the key it rendered with (a dependent's own resolved key, if it is one).
            let sourceKey = graph?.keys[reference.job] ?? fold.currentKey(reference.job, listed: "")
            let record = fold.record(reference.job, key: sourceKey)
            let index = reference.outputIndex
            guard index < record.files.count, let relative = record.files[index] else {
                throw InputUnavailable(message: "\(reference.job) has no output \(index + 1) on disk")
            }
            let sourcePath = folder + "/" + relative
            let sourceFile: LocalMedia
            // A frame's source is only read to check its digest (its size does not go into the body).
            switch LocalMedia.inspect(sourcePath, maxBytes: reference.frame == nil ? MediaInspector.readCap : 1 << 31) {
            case .success(let file): sourceFile = file
            case .failure(let failure): throw InputUnavailable(message: "the output of \(reference.job) cannot be sent: \(failure)")
            }
            guard sourceFile.sha256 == input.sourceSHA256 else {
                throw InputUnavailable(
                    message: "the output of \(reference.job) (\(relative)) is not the file that was downloaded (its bytes changed); delete it and run again to download it anew"
                )
            }
            var sent = sourceFile
            var sentPath = relative
            if let frame = reference.frame {
                guard let frames else { throw InputUnavailable(message: "a frame of \(reference.job) is needed and ffmpeg is missing (Debian package 'ffmpeg')") }
                sentPath = JobReference.frameFile(source: reference.job, digest: input.sourceSHA256, frame: frame.text)
                try await extractOnce(frames, from: sourcePath, frame: frame, to: folder + "/" + sentPath, source: reference.job)
                switch LocalMedia.inspect(folder + "/" + sentPath, maxBytes: MediaInspector.maxBytes(.image)) {
                case .success(let file) where file.kind == .image: sent = file
                case .success(let file): throw InputUnavailable(message: "the frame \(sentPath) is \(file.mediaType), not an image")
                case .failure(let failure): throw InputUnavailable(message: "the frame of \(reference.job) cannot be sent: \(failure)")
                }
            } else if sent.byteCount > MediaInspector.maxBytes(sent.kind) {
                throw InputUnavailable(
                    message: "the output of \(reference.job) is \(sent.byteCount / 1_048_576) MiB, more than the \(MediaInspector.maxBytes(sent.kind) / 1_048_576) MiB a request may carry for \(sent.kind.rawValue)"
                        + (sent.kind == .image ? " (a JPEG output is smaller)" : "")
                )
            }
            bodyBytes += (sent.byteCount + 2) / 3 * 4
            built.append(ResolvedInput(reference: reference, sourceSHA256: input.sourceSHA256, file: sent))
            sources.append(.init(job: reference.job, output: index + 1, frame: reference.frame?.text, sha256: input.sourceSHA256, path: sentPath))
        }
        for file in body.localFiles { bodyBytes += (file.byteCount + 2) / 3 * 4 }
        guard bodyBytes <= MediaInspector.maxBodyBytes - 65_536 else {
            throw InputUnavailable(message: "its files come to \(bodyBytes / 1_048_576) MiB as data URIs; a request may be at most 64 MiB")
        }
        // The same walk as `resolvedInputs`: the n-th resolved input becomes the n-th built one.
        var next = 0
        let result = body.replacingMedia { media in
            guard case .resolved = media, next < built.count else { return nil }
            next += 1
            return .resolved(built[next - 1])
        }
        guard await record(.inputsResolved(job: run.id, key: run.key, sources: sources, time: now())) else {
            throw InputUnavailable(message: "the ledger cannot be written")
        }
        return result
    }

    /// Extracts a frame into place unless it is there: once per file however many jobs want it at the same time
    /// (the takes of one shot), written beside its place and renamed in, so a frame half-written by a crash is
    /// never reused.
    private func extractOnce(_ frames: any FrameExtracting, from video: String, frame: JobReference.Frame, to path: String, source: String) async throws {
        if FileManager.default.fileExists(atPath: path) { return }
        if let running = frameTasks[path] {
            try await running.value
            return
        }
        extractions += 1
        let partial = String(path.dropLast(4)) + ".partial-\(ProcessInfo.processInfo.processIdentifier)-\(extractions).png"
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        let task = Task {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try await frames.extractFrame(of: video, at: frame, to: partial)
                do {
                    try AtomicFile.publish(partial, as: path)
                } catch {
                    throw InputUnavailable(message: "the frame \(path) cannot be put in place (\(error))")
                }
            } catch {
                unlink(partial)
                throw InputUnavailable(message: "the \(frame.text) frame of \(source) cannot be extracted: \(error)")
            }
        }
        frameTasks[path] = task
        defer { frameTasks[path] = nil }
        try await task.value
    }

    struct InputUnavailable: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
