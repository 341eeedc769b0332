#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a run's execution ended, in the terms its exit status is decided by.
struct RunOutcome: Sendable, Equatable {
    /// Every job asked for ended completed (with `--no-download`: rendered).
    var allCompleted: Bool
    /// Jobs asked for that are still pending (never submitted, or withdrawn).
    var pendingLeft: Int
    /// Jobs asked for that wait only for an approval: not a failure (a run whose only unfinished jobs wait so
    /// exits 0).
    var awaitingApproval = 0
    var costCapReached = false
    var fatal = false
    /// The ledger could not be written, or the disk refused an output.
    var localFailure = false
    /// The signal that stopped the run, if one did (SIGINT or SIGTERM).
    var interruptedBy: Int32?
    /// `--halt` tripped.
    var halted = false

    /// The exit status the design gives this outcome (`docs/commands.md`): the later rules win, a signal last.
    var exitStatus: Int32 {
        var status = allCompleted && !halted ? ExitStatus.success : ExitStatus.jobsUnfinished
        if costCapReached, pendingLeft > 0 { status = ExitStatus.costCapReached }
        if fatal { status = ExitStatus.fatalSetup }
        if localFailure { status = ExitStatus.localIO }
        if let interruptedBy { status = interruptedBy == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted }
        return status
    }
}
