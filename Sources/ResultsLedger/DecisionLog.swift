#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `decisions.jsonl` beside a folder's ledger: what reviewers decided (picks, approvals, retakes, notes), one line
/// each in the ledger's own line format. Appended under the file's own short lock (`flock` on `.decisions.lock`,
/// held for one write and its fsync), never the folder's: a decision is taken and durable while a `run` holds the
/// folder, and no writer waits for a run. Every fold reads it after the ledger.
public enum DecisionLog {
    /// The file's path in a run folder.
    public static func path(folder: String) -> String { folder + "/decisions.jsonl" }

    /// Appends decisions and returns once they are durable. Several writers (pages, commands) may append at once:
    /// the lock keeps their lines whole and apart.
    public static func append(_ events: [LedgerEvent], folder: String) throws(LedgerError) {
        let lockPath = folder + "/.decisions.lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw Ledger.ioError("open", lockPath) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Ledger.ioError("lock", lockPath) }
        }
        let target = path(folder: folder)
        let existed = access(target, F_OK) == 0
        let fd = open(target, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Ledger.ioError("open", target) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        // A writer killed mid-line left a fragment (never acknowledged): the next line starts on a line of its own.
        if existed, !endsWithNewline(fd) { bytes.append(0x0A) }
        for event in events {
            bytes += event.lineBytes
            bytes.append(0x0A)
        }
        if let failure = Ledger.writeDurably(fd, bytes, path: target) { throw failure }
        // A new file's name is durable once its folder is.
        if !existed {
            let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directory >= 0 {
                _ = fsync(directory)
                close(directory)
            }
        }
    }

    /// Whether the file open at `fd` is empty or ends with a newline.
    private static func endsWithNewline(_ fd: Int32) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return true }
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, off_t(info.st_size - 1)) == 1 && byte == 0x0A
    }

    /// The decisions from byte `offset` on, and the offset after the last whole line (a line being written is left
    /// for the next read). No file: none. An unreadable line is passed over: a decision is acknowledged only once its
    /// whole line is durable, so such a line is the fragment of a writer that died mid-line, never a decision.
    public static func read(folder: String, from offset: Int = 0) throws(LedgerError) -> (events: [LedgerEvent], end: Int) {
        let target = path(folder: folder)
        let fd = open(target, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return ([], offset) }
            throw Ledger.ioError("open", target)
        }
        defer { close(fd) }
        // Read as it is now (a small file: what people decided), up to its last newline; a line being appended
        // meanwhile is left for the next read.
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Ledger.ioError("stat", target) }
        let size = Int(info.st_size)
        guard size > offset else { return ([], offset) }
        var bytes = [UInt8](repeating: 0, count: size - offset)
        var got = 0
        while got < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(offset + got)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Ledger.ioError("read", target) }
            got += count
        }
        guard let last = bytes.lastIndex(of: 0x0A) else { return ([], offset) }
        var events: [LedgerEvent] = []
        var start = 0
        var number = 0
        try bytes.withUnsafeBufferPointer { (buffer) throws(LedgerError) in
            while start <= last {
                let end = buffer[start...last].firstIndex(of: 0x0A) ?? last
                number += 1
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                start = end + 1
                guard !line.isEmpty else { continue }
                if let event = try? LedgerLine.event(line) { events.append(event) }
            }
        }
        return (events, offset + last + 1)
    }
}

extension DecisionLog {
    /// A folder's decisions folded on their own (what a run reads before it opens the folder: the retakes it adds).
    public static func decisions(folder: String) throws(LedgerError) -> Decisions {
        var decisions = Decisions()
        for event in try read(folder: folder).events { decisions.apply(event) }
        return decisions
    }
}

extension Decisions {
    /// The take numbers retakes add, by shot.
    public var addedTakes: [String: [Int]] { retakes.mapValues { $0.map(\.take) } }
}

extension LedgerFold {
    /// Folds a folder's decisions (after its ledger): what every reader of a folder does.
    public mutating func applyDecisions(folder: String) throws(LedgerError) {
        for event in try DecisionLog.read(folder: folder).events { apply(event) }
    }
}
