import Foundation

/// A fault-injection hook for crash tests: `SHOTRUNNER_FAULT_AFTER_LINES=K:SIGNAL` (SIGNAL one of KILL, INT,
/// TERM) makes the process send itself that signal once K ledger lines of this run are durable. A test can
/// then stop a run at an exact point, with no sleeping and no race. Unset, it does nothing.
enum FaultHook {
    static func fromEnvironment(_ environment: [String: String]) -> (@Sendable (Int) -> Void)? {
        guard let value = environment["SHOTRUNNER_FAULT_AFTER_LINES"], let colon = value.firstIndex(of: ":"),
            let lines = Int(value[..<colon])
        else { return nil }
        let signalNumber: Int32
        switch value[value.index(after: colon)...] {
        case "KILL": signalNumber = SIGKILL
        case "INT": signalNumber = SIGINT
        case "TERM": signalNumber = SIGTERM
        default: return nil
        }
        let fired = NSLock()
        nonisolated(unsafe) var done = false
        return { written in
            fired.lock()
            defer { fired.unlock() }
            guard !done, written >= lines else { return }
            done = true
            kill(getpid(), signalNumber)
        }
    }
}
