import ArgumentParser
import Foundation
import ResultsLedger

/// `shotrunner retake RUN_DIR SHOT_ID [--note TEXT] [--clear]`
struct RetakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retake",
        abstract: "Ask for one more take of a shot, rendered by the next run; --clear withdraws the request.",
        discussion: """
            The next run of the manifest renders one more take of the shot (`free` gets `free~2`, `lamp~3` gets \
            `lamp~4`) with the same fields, beside its earlier takes, which keep their ids and keys; `plan` shows it \
            and its cost first. Asking again before a run changes the note. Jobs that take the shot's output keep \
            taking the job they name. The request is a line of the folder's decisions.jsonl, taken even while a \
            run renders into the folder.
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Argument(help: ArgumentHelp("The shot (or one of its takes), as status shows it.", valueName: "shot-id"))
    var shotID: String

    @Option(help: ArgumentHelp("What to change in the new take (kept with the request).", valueName: "text"))
    var note = ""

    @Flag(help: "Withdraw the request a run has not rendered yet.")
    var clear = false

    func run() async throws {
        try await Decide.command(runDir) { fold, by throws(CLIError) in
            try Decide.retake(shotID, note: note, clear: clear, fold: fold, folder: runDir, by: by)
        }
    }
}
