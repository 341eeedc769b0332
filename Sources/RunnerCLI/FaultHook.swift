import Foundation

/// A fault-injection hook for crash tests: `SHOTRUNNER_FAULT_AFTER_LINES=K:SIGNAL[,K:SIGNAL...]` (SIGNAL one of
/// KILL, INT, TERM) makes the process send itself each signal once K ledger lines of this run are durable. A
/// test can then stop a run at an exact point, with no sleeping and no race. Unset, it does nothing.
enum FaultHook {
    static func fromEnvironment(_ environment: [String: String]) -> (@Sendable (Int) -> Void)? {
        guard let value = environment["SHOTRUNNER_FAULT_AFTER_LINES"] else { return nil }
        var plan: [(lines: Int, signal: Int32)] = []
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let lines = Int(parts[0]) else { continue }
            switch parts[1] {
            case "KILL": plan.append((lines, SIGKILL))
            case "INT": plan.append((lines, SIGINT))
            case "TERM": plan.append((lines, SIGTERM))
            default: continue
            }
        }
        guard !plan.isEmpty else { return nil }
        let lock = NSLock()
        nonisolated(unsafe) var remaining = plan.sorted { $0.lines < $1.lines }
        return { written in
            lock.lock()
            var due: [Int32] = []
            while let first = remaining.first, written >= first.lines {
                due.append(first.signal)
                remaining.removeFirst()
            }
            lock.unlock()
            for signalNumber in due { kill(getpid(), signalNumber) }
        }
    }
}
