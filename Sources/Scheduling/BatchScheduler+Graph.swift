import Foundation
import JobManifest
import ModelAPI
import ResultsLedger

/// The storyboard graph in a batch: waiting jobs brought in as their sources complete, blocked ones recorded, and
/// the inputs of a dependent built from its sources' files at the moment of its submit.
extension BatchScheduler {
    /// Queues a run to start when a slot is free.
    func enqueue(_ run: PlannedRun) {
        sequence += 1
        let key = ReadyKey(rank: run.rank, order: run.order, sequence: sequence)
        readyRuns[key.sequence] = run
        ready.push(key)
    }

    /// The next run to start, if any.
    func nextReady() -> PlannedRun? {
        guard let key = ready.pop() else { return nil }
        return readyRuns.removeValue(forKey: key.sequence)
    }

    /// A job's end, as its dependents see it: completed brings them in; a failed end blocks them; anything else
    /// (left pending, still running, a stop) leaves them waiting for the next run.
    func settle(_ id: String, _ outcome: JobLifecycle.Outcome) async {
        guard graph != nil, let dependents = graph?.dependents[id], !dependents.isEmpty else { return }
        switch outcome {
        case .completed:
            for dependent in dependents {
                graph?.remaining[dependent]?.remove(id)
                if graph?.remaining[dependent]?.isEmpty == true { await bringIn(dependent) }
            }
        case .failed, .expired, .cancelled, .unknownOutcome, .downloadFailed:
            await block(dependents, source: id, state: Self.stateName(outcome))
        case .rendered, .leftPending, .leftRunning, .stopBatch, .stopRun:
            return
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
            plan.runs.removeAll { $0.body == nil && graph?.collecting.contains($0.id + "\n" + $0.key) == true }
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
        let keys = graph?.keys ?? [:]
        let frames = graph?.work.frames
        var sources: [LedgerEvent.ResolvedSource] = []
        var built: [ResolvedInput] = []
        if let reference = body.references.first { throw InputUnavailable(message: "the output of \(reference.job) is not ready") }
        for input in body.resolvedInputs {
            let reference = input.reference
            let record = fold.record(reference.job, key: keys[reference.job] ?? "")
            let index = reference.outputIndex
            guard index < record.files.count, let relative = record.files[index] else {
                throw InputUnavailable(message: "\(reference.job) has no output \(index + 1) on disk")
            }
            let sourcePath = folder + "/" + relative
            let sourceFile: LocalMedia
            switch LocalMedia.inspect(sourcePath) {
            case .success(let file): sourceFile = file
            case .failure(let failure): throw InputUnavailable(message: "the output of \(reference.job) cannot be sent: \(failure)")
            }
            guard sourceFile.sha256 == input.sourceSHA256 else {
                throw InputUnavailable(message: "the output of \(reference.job) (\(relative)) changed since it was recorded; run again to re-key its dependents")
            }
            var sent = sourceFile
            var sentPath = relative
            if let frame = reference.frame {
                guard let frames else { throw InputUnavailable(message: "a frame of \(reference.job) is needed and ffmpeg is missing (Debian package 'ffmpeg')") }
                sentPath = "frames/" + Self.frameName(source: reference.job, digest: input.sourceSHA256, frame: frame)
                let framePath = folder + "/" + sentPath
                if !FileManager.default.fileExists(atPath: framePath) {
                    try FileManager.default.createDirectory(atPath: folder + "/frames", withIntermediateDirectories: true)
                    // Written beside its place and renamed in: a frame half-written by a crash is never reused.
                    let partial = framePath.dropLast(4) + ".partial-\(ProcessInfo.processInfo.processIdentifier).png"
                    do {
                        try await frames.extractFrame(of: sourcePath, at: frame, to: String(partial))
                        guard rename(String(partial), framePath) == 0 else { throw InputUnavailable(message: "the frame \(sentPath) cannot be put in place: \(String(cString: strerror(errno)))") }
                    } catch {
                        unlink(String(partial))
                        throw InputUnavailable(message: "the \(frame.text) frame of \(reference.job) cannot be extracted: \(error)")
                    }
                }
                switch LocalMedia.inspect(framePath, maxBytes: MediaInspector.maxBytes(.image)) {
                case .success(let file) where file.kind == .image: sent = file
                case .success(let file): throw InputUnavailable(message: "the frame \(sentPath) is \(file.mediaType), not an image")
                case .failure(let failure): throw InputUnavailable(message: "the frame of \(reference.job) cannot be sent: \(failure)")
                }
            }
            built.append(ResolvedInput(reference: reference, sourceSHA256: input.sourceSHA256, file: sent))
            sources.append(.init(job: reference.job, output: index + 1, frame: reference.frame?.text, sha256: input.sourceSHA256, path: sentPath))
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

    /// `frames/<source>.<digest8>.<frame>.png`, the source's `/` written as `_` (a scene's job).
    static func frameName(source: String, digest: String, frame: JobReference.Frame) -> String {
        source.replacingOccurrences(of: "/", with: "_") + "." + digest.prefix(8) + "." + frame.text + ".png"
    }

    struct InputUnavailable: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
