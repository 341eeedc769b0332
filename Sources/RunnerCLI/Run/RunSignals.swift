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

/// The scheduler a signal handler interrupts, once there is one (before that, a signal ends the run at once).
final class Interruption: Sendable {
    private let current = Mutex<BatchScheduler<ContinuousClock>?>(nil)

    var scheduler: BatchScheduler<ContinuousClock>? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
