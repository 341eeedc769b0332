import ArgumentParser
import JobManifest
import ResultsLedger

/// `shotrunner pick RUN_DIR JOB_ID [--clear]`
struct PickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pick",
        abstract: "Choose the take of a shot that the cut uses (assemble); --clear removes the choice.",
        discussion: """
            JOB_ID is a completed take (`dusk/lamp~2`). The choice is a ledger line (picked, or unpicked with \
            --clear), written under the folder's lock; status, report and the contact sheet show it, and assemble \
            uses it. Without a pick, a shot's cut uses its lowest completed take. With --clear, JOB_ID may be the \
            take or its shot (`dusk/lamp`).
            """
    )

    @Argument(help: ArgumentHelp("The run folder.", valueName: "run-dir"))
    var runDir: String

    @Argument(help: ArgumentHelp("The take, as status shows it (shot~N).", valueName: "job-id"))
    var jobID: String

    @Flag(help: "Remove the shot's choice.")
    var clear = false

    func run() async throws {
        let folder = try ExistingRunFolder(runDir)
        let fold = folder.fold
        let console = Console()
        let shot = JobID.shot(of: jobID)
        let takes = fold.planned.filter { JobID.shot(of: $0.id) == shot && JobID.take(of: $0.id) != nil }
        if clear {
            guard let picked = fold.picks[shot] else {
                console.out("\(shot): no take was picked")
                return
            }
            try await append(.unpicked(job: picked, shot: shot, time: Timestamp.now()), to: folder)
            console.out("\(shot): pick of \(picked) cleared; the cut uses its lowest completed take")
            return
        }
        guard let planned = fold.planned.first(where: { $0.id == jobID }) else {
            let hint = DidYouMean.suggest(jobID, among: fold.planned.map(\.id)).map { "; did you mean '\($0)'?" } ?? ""
            throw CLIError.usage("the run folder has no job '\(jobID)'\(hint) (see 'shotrunner status \(runDir)')")
        }
        guard JobID.take(of: jobID) != nil, !takes.isEmpty else {
            throw CLIError.usage("'\(jobID)' is not a take: its shot renders once, so the cut uses it as it is (takes: N makes takes to choose from)")
        }
        let record = fold.currentRecord(jobID, listed: planned.key)
        guard record.state == .completed else {
            throw CLIError.usage("take '\(jobID)' is \(record.state.rawValue), not completed: only a clip on disk can be picked (run the batch again to collect it)")
        }
        if fold.picks[shot] == jobID {
            console.out("\(shot): \(jobID) is already the pick")
            return
        }
        try await append(.picked(job: jobID, shot: shot, time: Timestamp.now()), to: folder)
        console.out("\(shot): picked \(jobID)")
    }

    private func append(_ event: LedgerEvent, to folder: ExistingRunFolder) async throws {
        do {
            try await folder.ledger.append(event)
        } catch {
            throw CLIError.ledger(error)
        }
        await folder.checkpoint()
    }
}
