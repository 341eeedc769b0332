import ArgumentParser
import Foundation
import ResultsLedger

/// `shotrunner approve RUN_DIR JOB_ID [--clear]`
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a completed job (a keyframe): the jobs that take its output may render; --clear withdraws it.",
        discussion: """
            A job with `approve: true` in the manifest holds the jobs that take its output back until it is \
            approved. The approval records the job's key and holds only while the key stays the same: edit the \
            keyframe and it must be approved again. The next run renders the jobs it let go; a running \
            `run --wait-approval` renders them at once. The approval is a line of the folder's decisions.jsonl, \
            taken even while a run renders into the folder.
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Argument(help: ArgumentHelp("The job, as status shows it.", valueName: "job-id"))
    var jobID: String

    @Flag(help: "Withdraw the approval.")
    var clear = false

    func run() async throws {
        try await Decide.command(runDir) { fold, by throws(CLIError) in try Decide.approve(jobID, clear: clear, fold: fold, folder: runDir, by: by) }
    }
}
