import ArgumentParser
import Foundation
import ResultsLedger

/// `shotrunner pick RUN_DIR JOB_ID [--clear]`
struct PickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pick",
        abstract: "Choose the take of a shot that the cut uses (assemble); --clear removes the choice.",
        discussion: """
            JOB_ID is a completed take (`dusk/lamp~2`, or a shot rendered once, `dusk/lamp`). The choice is a line of \
            the folder's decisions.jsonl (picked, or unpicked with --clear), durable at once and taken even while a \
            run renders into the folder; status, report, the contact sheet and the review room show it, and \
            assemble uses it. Without a pick, a shot's cut uses its lowest completed take. With --clear, JOB_ID may \
            be the take or its shot (`dusk/lamp`).
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Argument(help: ArgumentHelp("The take, as status shows it (shot~N, or the shot when it renders once).", valueName: "job-id"))
    var jobID: String

    @Flag(help: "Remove the shot's choice.")
    var clear = false

    func run() async throws {
        try await Decide.command(runDir) { fold, by throws(CLIError) in
            clear ? Decide.unpick(jobID, fold: fold, by: by) : try Decide.pick(jobID, fold: fold, folder: runDir, by: by)
        }
    }
}
