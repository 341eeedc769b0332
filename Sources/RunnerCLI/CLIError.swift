import JobManifest
import ResultsLedger

/// Failures the commands hand to `Entry`, the one place that turns errors into messages and exit codes.
enum CLIError: Error {
    /// Manifests with errors; their diagnostics have been printed already.
    case invalidManifests(count: Int)
    /// Setup that cannot go on: no token, an unreadable token file, a simulator that cannot listen.
    case setup(String)
    /// A usage problem found after parsing (a bad combination of options or environment).
    case usage(String)
    /// The run folder or its ledger failed.
    case ledger(LedgerError)
    /// A local file could not be written (exit 6).
    case localIO(String)
    /// The command finished and its status is already decided (its output printed).
    case exit(Int32)
}

/// The exit codes of every command (`docs/commands.md`).
enum ExitStatus {
    static let success: Int32 = 0
    static let jobsUnfinished: Int32 = 1
    static let invalidInput: Int32 = 2
    static let fatalSetup: Int32 = 3
    static let locked: Int32 = 4
    static let costCapReached: Int32 = 5
    static let localIO: Int32 = 6
    static let internalError: Int32 = 70
    static let interrupted: Int32 = 130
    static let terminated: Int32 = 143
}
