import ArgumentParser
import JobManifest
import ModelAPI
import ResultsLedger

/// `shotrunner adopt RUN_DIR JOB_ID REQUEST_ID`
struct AdoptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Attach a request id found elsewhere (RunComfy's web UI) to an unknown_outcome or submitting job.",
        discussion: """
            When a submit's answer was lost, the job is unknown_outcome: the render may exist, paid for, with an \
            id shotrunner never saw. Find it on RunComfy's Generations page and adopt it: the next run polls and \
            downloads it instead of submitting again. A job still submitting (its intent recorded, no answer, as a \
            run killed mid-submit leaves it) can be adopted the same way.
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Argument(help: ArgumentHelp("The job id, as status shows it.", valueName: "job-id"))
    var jobID: String

    @Argument(help: ArgumentHelp("The request id.", valueName: "request-id"))
    var requestID: String

    func validate() throws {
        guard Submission.isValidRequestID(requestID) else {
            throw ValidationError("'\(requestID)' is not a request id (1 to 128 letters, digits, '_' or '-').")
        }
    }

    func run() async throws {
        let folder = try ExistingRunFolder(runDir)
        let ledger = folder.ledger
        let fold = folder.fold
        guard let planned = fold.planned.first(where: { $0.id == jobID }) else {
            throw CLIError.usage("the run folder has no job '\(jobID)' (see 'shotrunner status \(runDir)')")
        }
        let record = fold.currentRecord(jobID, listed: planned.key)
        guard record.state == .unknownOutcome || record.state == .submitting else {
            throw CLIError.usage("job '\(jobID)' is \(record.state.rawValue), not unknown_outcome or submitting: only a job whose submit's outcome is unknown can be adopted")
        }
        do {
            try await ledger.append(.adopted(job: jobID, key: record.key, requestID: requestID, time: Timestamp.now()))
        } catch {
            throw CLIError.ledger(error)
        }
        Console().out("\(jobID): adopted \(requestID); the next run polls it")
        await folder.checkpoint()
    }
}
