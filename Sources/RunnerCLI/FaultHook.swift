#if DEBUG
import Foundation
import Synchronization

/// A fault-injection hook for crash tests: `SHOTRUNNER_FAULT_AFTER_LINES=K:FAULT[,K:FAULT...]` (FAULT one of
/// KILL, INT, TERM, a signal the process sends itself, or RMRF, which removes the run folder with everything in
/// it) strikes once K ledger lines of this run are durable. A test can then stop a run at an exact point, with
/// no sleeping and no race. Unset, it does nothing.
enum FaultHook {
    /// The signal number RMRF stands for in the plan (not a real signal).
    private static let removeFolder: Int32 = -1

    static func fromEnvironment(_ environment: [String: String], folder: String) -> (@Sendable (Int) -> Void)? {
        guard let value = environment["SHOTRUNNER_FAULT_AFTER_LINES"] else { return nil }
        var plan: [(lines: Int, signal: Int32)] = []
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let lines = Int(parts[0]) else { continue }
            switch parts[1] {
            case "KILL": plan.append((lines, SIGKILL))
            case "INT": plan.append((lines, SIGINT))
            case "TERM": plan.append((lines, SIGTERM))
            case "RMRF": plan.append((lines, removeFolder))
            default: continue
            }
        }
        guard !plan.isEmpty else { return nil }
        let remaining = Mutex(plan.sorted { $0.lines < $1.lines })
        return { written in
            let due: [Int32] = remaining.withLock { remaining in
                var due: [Int32] = []
                while let first = remaining.first, written >= first.lines {
                    due.append(first.signal)
                    remaining.removeFirst()
                }
                return due
            }
            for signalNumber in due {
                if signalNumber == removeFolder {
                    try? FileManager.default.removeItem(atPath: folder)
                } else {
                    kill(getpid(), signalNumber)
                }
            }
        }
    }
}
#endif
