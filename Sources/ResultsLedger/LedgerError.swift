/// What can go wrong with a run folder and its ledger.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the folder's lock.
    case locked(pid: Int?)
    /// A line in the middle of the ledger cannot be read (a torn last line is repaired instead).
    case corruptLine(number: Int, text: String)
    /// A file operation failed: disk full, read-only, the folder gone.
    case io(operation: String, path: String, reason: String, errno: Int32)

    public var description: String {
        switch self {
        case .locked(let pid):
            "the run folder is locked by another shotrunner process" + (pid.map { " (pid \($0))" } ?? "")
        case .corruptLine(let number, let text):
            "ledger line \(number) cannot be read: \(text.prefix(120)) (run again with --repair-ledger to set it aside)"
        case .io(let operation, let path, let reason, let code):
            "\(operation) \(path): \(reason)" + Self.hint(code)
        }
    }

    /// What to do about an errno, for the message.
    private static func hint(_ code: Int32) -> String {
        switch code {
        case 28, 122: " (the disk is full: free space there, then run again; nothing is lost)"  // ENOSPC, EDQUOT
        case 30: " (a read-only file system: give --out a writable folder, or remount it read-write)"  // EROFS
        case 13, 1: " (no permission: run as the folder's owner, or give --out another folder)"  // EACCES, EPERM
        default: ""
        }
    }

    /// Whether the disk is full (free space, then run again).
    public var isDiskFull: Bool {
        if case .io(_, _, _, let code) = self { return code == 28 || code == 122 }  // ENOSPC, EDQUOT
        return false
    }

    /// Whether the ledger (or its folder) is gone: what it held of this run is lost with it.
    public var isGone: Bool {
        if case .io(_, _, _, let code) = self { return code == 2 }  // ENOENT
        return false
    }
}
