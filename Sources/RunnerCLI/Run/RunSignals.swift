import Dispatch
import Foundation
import ProcessSignals
import Scheduling
import Synchronization

/// SIGINT and SIGTERM during a run. Before the scheduler exists (the price call, the prompt) a signal ends the
/// run on record at once; after, the first stops new submits and lets those on the wire finish, and a second
/// abandons them (they become `unknown_outcome`) and ends the run on record.
enum RunSignals {
    static func watch(interruption: Interruption, ending: RunEnding, folderPath: String, console: Console, notifying: Bool) -> SignalWatcher {
        SignalWatcher { signal, count in
            let status = signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
            interruption.markSignalled()
            guard let scheduler = interruption.scheduler, count < 2 else {
                if count >= 2 {
                    console.err("\ninterrupted again: abandoning what is on the wire (those jobs will be unknown_outcome)")
                } else {
                    console.err("\ninterrupted before anything was submitted")
                }
                interruption.scheduler?.requestInterrupt()
                for (job, requestID) in interruption.scheduler?.arrived.unrecorded ?? [] {
                    console.err("IMPORTANT: \(job) was accepted as \(requestID) just now; run 'shotrunner adopt \(folderPath) \(job) \(requestID)'")
                }
                // The end on record first (the pending group commit flushed before it) and notified, unless the disk
                // hangs (or the notification's 15 s run out).
                DispatchQueue.global().asyncAfter(deadline: .now() + (notifying ? 20 : 5)) { Foundation.exit(status) }
                Task {
                    await ending.write(status: status, reason: count >= 2 ? "interrupted twice" : "interrupted")
                    Foundation.exit(status)
                }
                return
            }
            console.err("\ninterrupted: letting submits on the wire finish; run again to resume (interrupt again to abandon them)")
            scheduler.requestInterrupt()
        }
    }
}

/// The scheduler a signal handler interrupts, once there is one (before that, a signal ends the run at once), and
/// whether a signal came: a scheduler made after it is interrupted the moment it is handed over, so nothing is
/// submitted while the end the signal asked for is being written.
final class Interruption: Sendable {
    private let current = Mutex<(scheduler: BatchScheduler<ContinuousClock>?, signalled: Bool)>((nil, false))

    var scheduler: BatchScheduler<ContinuousClock>? {
        get { current.withLock { $0.scheduler } }
        set {
            let signalled = current.withLock { state in
                state.scheduler = newValue
                return state.signalled
            }
            if signalled { newValue?.requestInterrupt() }
        }
    }

    /// Whether a SIGINT or SIGTERM came.
    var signalled: Bool { current.withLock { $0.signalled } }

    func markSignalled() {
        current.withLock { $0.signalled = true }
    }
}
