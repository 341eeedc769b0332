/// How each event changes a job's record: the fold's one rule per kind, over typed fields.
extension JobRecord {
    /// Applies an event of this job and key, written at `time`.
    mutating func apply(_ payload: LedgerEvent.Payload, time: String) {
        switch payload {
        case .submitIntent(let intent):
            if latestMayCost { earlierSpend += cost ?? estimatedCost ?? 0 }
            attempts += 1
            state = .submitting
            latestMayCost = true
            cost = nil
            estimatedCost = intent.estimatedCost ?? estimatedCost
            if firstSubmitAt == nil { firstSubmitAt = time }
        case .submitted(let request), .adopted(let request):
            if case .adopted = payload { latestMayCost = true }
            requestID = request.requestID
            state = .queued
            errorCode = nil
            errorMessage = nil
        case .submitError(let failure):
            applySubmitError(failure)
        case .notSent:
            // Withdrawn before its POST started: it costs nothing, and the job is pending again.
            latestMayCost = false
            if state == .submitting { state = .pending }
        case .unknownOutcome(let failure):
            state = .unknownOutcome
            if let code = failure.code { errorCode = code }
            if let message = failure.message { errorMessage = message }
        case .status(let change):
            apiStatus = change.status
            if state == .queued || state == .running { state = change.status == "in_queue" ? .queued : .running }
        case .rendered(let render):
            state = .rendered
            if let urls = render.outputs { outputs = urls }
            cost = render.cost ?? cost
            renderedAt = time
        case .downloaded(let download):
            applyDownloaded(download)
        case .downloadError(let failure):
            if failure.final == true { state = .downloadFailed }
            errorCode = failure.code
            errorMessage = failure.message
        case .failed(let failure):
            state = .failed
            errorCode = failure.code
            errorMessage = failure.message
        case .expired(let failure):
            state = .expired
            errorCode = "expired"
            errorMessage = failure.message
        case .cancelled:
            state = .cancelled
        case .waiting(let wait):
            state = .waiting
            waitingOn = wait.sources ?? []
            blockedBy = nil
            errorCode = nil
            errorMessage = nil
        case .blocked(let block):
            state = .blocked
            blockedBy = BlockedBy(job: block.source ?? "", state: block.sourceState ?? "")
            errorCode = "blocked"
            errorMessage = block.reason
        case .cancelRequested, .notCancellable, .runStarted, .runFinished, .price, .picked, .unpicked, .inputsResolved, .approved, .unapproved,
            .retakeRequested, .retakeWithdrawn, .note:
            break
        }
    }

    /// A submit that failed: unknown if it may have started (never pending again on its own, even if the
    /// `unknown_outcome` line is lost), else free and pending again (a rejected one's `failed` follows).
    private mutating func applySubmitError(_ failure: LedgerEvent.SubmitFailure) {
        errorCode = failure.code
        errorMessage = failure.message
        if failure.mayHaveStarted ?? LedgerEvent.mayHaveStarted(errorClass: failure.errorClass) {
            if state == .submitting { state = .unknownOutcome }
        } else {
            latestMayCost = false
            if state == .submitting { state = .pending }
        }
    }

    /// Output N of M on disk (one of one when the line does not say): completed once every output is.
    private mutating func applyDownloaded(_ download: LedgerEvent.Download) {
        let count = max(1, download.outputs ?? 1)
        let index = min(max(1, download.output ?? 1), count) - 1
        if files.count != count { files = Array(files.prefix(count)) + Array(repeating: nil, count: max(0, count - files.count)) }
        // Each output's digest, for a job with several (one output's is `sha256`: no array for the usual job).
        if count > 1, fileSHA256.count != count {
            fileSHA256 = Array(fileSHA256.prefix(count)) + Array(repeating: nil, count: max(0, count - fileSHA256.count))
        } else if count == 1 {
            fileSHA256 = []
        }
        files[index] = download.path
        if count > 1 { fileSHA256[index] = download.sha256 }
        if hasEveryFile { state = .completed }
        bytes = download.bytes
        sha256 = download.sha256
    }
}
