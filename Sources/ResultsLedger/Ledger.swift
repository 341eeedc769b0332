import AtomicFiles
import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run folder's `ledger.jsonl`: read once at open (a torn last line moved to `ledger.jsonl.corrupt` and cut
/// off), then appended to by group commit: lines handed in while a write is on its way go out together in the
/// next write, and every caller returns only once its lines are fsync'd. Nothing is acted on before its line is
/// durable.
public actor Ledger {
    /// The ledger's path.
    public nonisolated let path: String
    /// The ledger as it was at open, folded (its events are not kept: a large ledger's would cost hundreds of MB).
    /// Read it before the run starts; `releaseInitialFold()` lets it go once it is planned from (it shares its
    /// records with `fold` only until the first line is folded, and is then a second copy of every record).
    public nonisolated var initialFold: LedgerFold {
        guard let fold = initialBox.withLockedValue({ $0 }) else { preconditionFailure("the ledger's initial fold was read after it was released") }
        return fold
    }
    private nonisolated let initialBox: NIOLockedValueBox<LedgerFold?>

    /// Lets the fold of the ledger as it was at open go (once the run is planned): at 100,000 jobs, some 100 MB.
    public nonisolated func releaseInitialFold() {
        initialBox.withLockedValue { $0 = nil }
    }
    /// What opening repaired (a torn last line), for the user to hear about.
    public nonisolated let repairs: [String]
    /// Whether opening started from a checkpoint that matched the ledger (and folded only the lines after it).
    public nonisolated let openedFromCheckpoint: Bool

    private let fd: Int32
    private let io = DispatchQueue(label: "shotrunner.ledger")
    private var pending: [UInt8] = []
    /// The events behind `pending`, folded into `fold` once they are durable.
    private var pendingEvents: [LedgerEvent] = []
    /// The ledger folded up to its last durable line: the open's fold, then every line this process wrote.
    public internal(set) var fold: LedgerFold
    /// How far `decisions.jsonl` was read (`changes()` reads on from there).
    var decisionsRead = 0
    /// `fold.spent`, and what is reserved for submit intents not yet durable: readable without waiting for the
    /// actor, so a spend cap can check and reserve in one step.
    /// A pthread lock (NIO's), not `Synchronization.Mutex`: on Linux, ThreadSanitizer does not see a `Mutex`'s
    /// futex as a lock and reports its guarded accesses as races.
    private let durableSpend: NIOLockedValueBox<(folder: Double, beforeLatestRun: Double, reserved: Double)>
    /// Reservations released once the lines handed in with them (`pending`) are durable.
    private var pendingRelease = 0.0
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    private var flushing = false
    private var failure: LedgerError?
    /// The run folder.
    let folder: String
    /// The ledger's length and lines as far as `fold` covers them (what a checkpoint records).
    private var durableBytes: Int
    private var durableLines: Int
    /// Lines since the last checkpoint: one is written every `checkpointEvery` lines, and at a run's end.
    private var linesSinceCheckpoint = 0
    /// Whether a checkpoint matching this ledger is on disk (opened from one, or written since).
    private var hasCheckpoint = false
    public static let checkpointEvery = 100_000
    /// Lines written and fsync'd, and the number of writes (each one fsync): group commit's measure.
    public private(set) var linesWritten = 0
    public private(set) var flushes = 0
    /// Called after each write is durable, with the lines written so far (fault-injection tests hook in here).
    private let afterDurable: (@Sendable (Int) -> Void)?
    /// Awaited before each write goes to disk: a test seam that holds the group commit (nil in every real run).
    private let beforeWrite: (@Sendable () async -> Void)?

    /// Opens (creating) `folder/ledger.jsonl`. A line in the middle that cannot be read is an error unless
    /// `repair` is set, which moves it to `ledger.jsonl.corrupt`.
    public init(
        folder: String,
        repair: Bool = false,
        afterDurable: (@Sendable (Int) -> Void)? = nil,
        beforeWrite: (@Sendable () async -> Void)? = nil
    ) throws(LedgerError) {
        self.afterDurable = afterDurable
        self.beforeWrite = beforeWrite
        path = folder + "/ledger.jsonl"
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.ioError("open", path) }
        var opened = try Self.read(descriptor, path: path, folder: folder, repair: repair)
        // The decisions after the ledger's lines, as every reader of the folder folds them.
        let decisions = try DecisionLog.read(folder: folder)
        for event in decisions.events { opened.fold.apply(event) }
        decisionsRead = decisions.end
        fd = opened.descriptor
        self.folder = folder
        openedFromCheckpoint = opened.fromCheckpoint
        hasCheckpoint = opened.fromCheckpoint
        durableBytes = opened.end
        durableLines = opened.lines
        initialBox = NIOLockedValueBox(opened.fold)
        self.fold = opened.fold
        durableSpend = NIOLockedValueBox((opened.fold.spent, opened.fold.spentBeforeLatestRun, 0))
        repairs = opened.notes
    }

    /// A ledger as opening found it: its fold, how far its durable lines reach, what was repaired, and the
    /// descriptor to append to (a new one when a repair rewrote the file).
    private struct Opened {
        var descriptor: Int32
        var fold: LedgerFold
        var end: Int
        var lines: Int
        var notes: [String]
        var fromCheckpoint: Bool
    }

    /// Folds the ledger open at `descriptor` (from a checkpoint that still matches it, else from the start), sets
    /// a torn last line aside, and, with `repair`, moves unreadable lines to `ledger.jsonl.corrupt` and rewrites the
    /// file without them (without `repair` such a line is an error).
    private static func read(_ descriptor: Int32, path: String, folder: String, repair: Bool) throws(LedgerError) -> Opened {
        var notes: [String] = []
        var fold = LedgerFold()
        var kept: [UInt8] = []
        var corrupt: [(number: Int, line: [UInt8])] = []
        var torn: [UInt8]?
        // The fold up to a checkpoint that still matches the ledger, then only the lines after it (a repair reads
        // everything: it rewrites the file).
        let checkpoint = repair ? nil : FoldCheckpoint.load(folder: folder, ledger: descriptor)
        if let checkpoint { fold = checkpoint.fold }
        var read = (end: checkpoint?.offset ?? 0, lines: checkpoint?.lines ?? 0)
        do throws(LedgerError) {
            read = try LedgerLineParser.forEachLine(
                fd: descriptor, path: path, from: checkpoint?.offset ?? 0, firstNumber: checkpoint?.lines ?? 0
            ) { number, line, isTorn in
                if isTorn {
                    torn = Array(line)
                    return true
                }
                do {
                    fold.apply(try LedgerLine.event(line))
                    if repair { kept.append(contentsOf: line); kept.append(0x0A) }  // only a repair rewrites the file
                } catch {
                    corrupt.append((number, Array(line)))
                    if !repair { return false }
                }
                return true
            }
            // A torn last line (a crash mid-write): set it aside and cut it off before anything is appended.
            if let torn {
                try Self.appendToFile(path + ".corrupt", torn + [0x0A])
                let size = lseek(descriptor, 0, SEEK_END)
                guard size >= 0, ftruncate(descriptor, size - off_t(torn.count)) == 0, fsync(descriptor) == 0 else {
                    throw Self.ioError("truncate", path)
                }
                read = (Int(size) - torn.count, read.lines - 1)
                notes.append("the ledger's last line was torn (\(torn.count) bytes, a crash mid-write): moved to ledger.jsonl.corrupt")
            }
        } catch {
            close(descriptor)
            throw error
        }
        if let first = corrupt.first, !repair {
            close(descriptor)
            throw .corruptLine(number: first.number, text: String(decoding: first.line, as: UTF8.self))
        }
        for (number, line) in corrupt {
            do throws(LedgerError) { try Self.appendToFile(path + ".corrupt", line + [0x0A]) } catch {
                close(descriptor)
                throw error
            }
            notes.append("ledger line \(number) could not be read: moved to ledger.jsonl.corrupt")
        }
        let rewrote = !corrupt.isEmpty
        var current = descriptor
        if rewrote {
            close(descriptor)
            try Self.replace(path, with: kept)
            current = open(path, O_RDWR | O_APPEND | O_CLOEXEC, 0o644)
            guard current >= 0 else { throw Self.ioError("open", path) }
        }
        if rewrote {
            FoldCheckpoint.remove(folder: folder)
            read = (kept.count, kept.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
        }
        return Opened(descriptor: current, fold: fold, end: read.end, lines: read.lines, notes: notes, fromCheckpoint: checkpoint != nil)
    }

    deinit {
        close(fd)
    }

    /// The folder's spend over its durable lines (`LedgerFold.spent`), and the part of it since the latest
    /// `run_started`. Read without waiting: it changes only when a write becomes durable.
    ///
    /// Both include what `reserve` set aside for intents still on their way to disk, so a cap that checks this,
    /// reserves, then appends never lets two submits through on the same headroom.
    public nonisolated var spent: (folder: Double, latestRun: Double) {
        durableSpend.withLockedValue { ($0.folder + $0.reserved, $0.folder - $0.beforeLatestRun + $0.reserved) }
    }

    /// Sets `amount` aside in `spent` at once, until the lines appended with `releasing:` that amount are durable
    /// (then their own fold counts it) or fail.
    public nonisolated func reserve(_ amount: Double) {
        durableSpend.withLockedValue { $0.reserved += amount }
    }

    /// Appends events and returns once they are on disk. The first caller to find no write under way does the
    /// writing, for its lines and for every line handed in meanwhile; the others wait for it.
    public func append(_ events: [LedgerEvent], releasing reservation: Double = 0) async throws(LedgerError) {
        if let failure {
            durableSpend.withLockedValue { $0.reserved -= reservation }
            throw failure
        }
        pendingRelease += reservation
        for event in events {
            pending.append(contentsOf: event.lineBytes)
            pending.append(0x0A)
        }
        pendingEvents.append(contentsOf: events)
        if flushing {
            do {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    waiters.append(continuation)
                }
            } catch let error as LedgerError {
                throw error
            } catch {
                throw .io(operation: "write", path: path, reason: "\(error)", errno: 0)
            }
            return
        }
        flushing = true
        await flushAll()
        flushing = false
        if let failure { throw failure }
    }

    /// Appends one event.
    public func append(_ event: LedgerEvent) async throws(LedgerError) {
        try await append([event])
    }

    /// Writes everything pending, batch after batch, until nothing is left.
    private func flushAll() async {
        while !pending.isEmpty {
            if let beforeWrite { await beforeWrite() }
            let batch = pending
            let batchEvents = pendingEvents
            let batchRelease = pendingRelease
            let batchWaiters = waiters
            pending = []
            pendingEvents = []
            pendingRelease = 0
            waiters = []
            let descriptor = fd
            let path = self.path
            let result: LedgerError? = await withCheckedContinuation { continuation in
                io.async {
                    continuation.resume(returning: Self.writeDurably(descriptor, batch, path: path))
                }
            }
            flushes += 1
            if let result {
                failure = result
                for waiter in batchWaiters + waiters { waiter.resume(throwing: result) }
                waiters = []
                pending = []
                pendingEvents = []
                durableSpend.withLockedValue { $0.reserved -= batchRelease + pendingRelease }
                pendingRelease = 0
                return
            }
            for event in batchEvents { fold.apply(event) }
            durableSpend.withLockedValue { $0 = (fold.spent, fold.spentBeforeLatestRun, $0.reserved - batchRelease) }
            let newLines = batch.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            linesWritten += newLines
            durableBytes += batch.count
            durableLines += newLines
            linesSinceCheckpoint += newLines
            if linesSinceCheckpoint >= Self.checkpointEvery { writeCheckpoint() }
            afterDurable?(linesWritten)
            for waiter in batchWaiters { waiter.resume() }
        }
    }

    /// Writes the fold as a checkpoint beside the ledger: the next open folds only what comes after. The fold and
    /// the length it covers are taken together, so the checkpoint is consistent whatever is appended meanwhile.
    /// At a run's end: a checkpoint unless the one on disk already covers all but a few lines (fewer than
    /// `minimumNewLines`, which the next open folds in no time).
    public func writeCheckpoint(unlessWithin minimumNewLines: Int) {
        guard !hasCheckpoint || linesSinceCheckpoint >= minimumNewLines else { return }
        writeCheckpoint()
    }

    /// Writes a checkpoint of the fold now (what `pick`, `adopt` and `cancel` do when they end).
    public func writeCheckpoint() {
        linesSinceCheckpoint = 0
        hasCheckpoint = true
        // Written here, on the actor, rather than handed to the writing queue: a copy of the fold kept for it would be
        // duplicated whole by the next line folded (copy on write), some 100 MB at 100,000 jobs.
        FoldCheckpoint.write(folder: folder, fold: fold, offset: durableBytes, lines: durableLines, ledger: fd)
    }

    // MARK: - File helpers

    /// Appends `bytes` and fsyncs. A write that fails part-way (a full disk) is cut back off, so the ledger
    /// holds whole lines only; a ledger whose file was deleted under us (its folder removed) is an error too,
    /// since nothing written there would survive.
    static func writeDurably(_ fd: Int32, _ bytes: [UInt8], path: String) -> LedgerError? {
        let start = lseek(fd, 0, SEEK_END)
        let outcome = WriteAll.write(fd, bytes)
        if let code = outcome.errno {
            let failure = LedgerError.io(operation: "write", path: path, reason: String(cString: strerror(code)), errno: code)
            if start >= 0, outcome.written > 0 {
                _ = ftruncate(fd, start)
                _ = fsync(fd)
            }
            return failure
        }
        guard fsync(fd) == 0 else { return ioError("fsync", path) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_nlink == 0 {
            return .io(operation: "write", path: path, reason: "the ledger was deleted while the run was going (was its folder removed?)", errno: ENOENT)
        }
        return nil
    }

    static func ioError(_ operation: String, _ path: String) -> LedgerError {
        let code = errno
        return .io(operation: operation, path: path, reason: String(cString: strerror(code)), errno: code)
    }

    private static func appendToFile(_ path: String, _ bytes: [UInt8]) throws(LedgerError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError("open", path) }
        defer { close(fd) }
        if let failure = writeDurably(fd, bytes, path: path) { throw failure }
    }

    private static func replace(_ path: String, with bytes: [UInt8]) throws(LedgerError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .io(operation: error.operation, path: error.path, reason: error.reason, errno: error.code)
        }
    }
}

extension Ledger {
    /// Reads a folder's ledger without locking or repairing it (for `status` and `report`, which only read).
    /// A torn last line is ignored; an unreadable line in the middle is an error.
    public static func readEvents(folder: String) throws(LedgerError) -> [LedgerEvent] {
        var events: [LedgerEvent] = []
        try forEachLine(folder: folder) { events.append($0) }
        return events
    }

    /// Folds a folder's ledger line by line, without holding its events: what `status`, `report` and the end of a
    /// run need, at a fraction of the memory for a large ledger.
    /// A checkpoint that matches the ledger stands for the lines it covers; only those after it are read.
    public static func fold(folder: String, useCheckpoint: Bool = true) throws(LedgerError) -> LedgerFold {
        var fold = LedgerFold()
        try forEachLine(folder: folder, checkpoint: useCheckpoint ? { fold = $0 } : nil) { fold.apply($0) }
        try fold.applyDecisions(folder: folder)
        return fold
    }

    /// Reads a folder's ledger (without locking it: another run may be appending), calling `body` for each line
    /// in order, or, with `checkpoint`, handing it the checkpoint's fold and calling `body` for the lines after it.
    /// A torn last line is skipped: a writer may be mid-line.
    private static func forEachLine(
        folder: String, checkpoint: ((LedgerFold) -> Void)? = nil, _ body: (LedgerEvent) -> Void
    ) throws(LedgerError) {
        let path = folder + "/ledger.jsonl"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("open", path) }
        defer { close(fd) }
        var failure: LedgerError?
        let loaded = checkpoint == nil ? nil : FoldCheckpoint.load(folder: folder, ledger: fd)
        if let loaded { checkpoint?(loaded.fold) }
        try LedgerLineParser.forEachLine(fd: fd, path: path, from: loaded?.offset ?? 0, firstNumber: loaded?.lines ?? 0) { number, line, torn in
            do {
                body(try LedgerLine.event(line))
            } catch {
                if torn { return false }
                failure = .corruptLine(number: number, text: String(decoding: line, as: UTF8.self))
                return false
            }
            return true
        }
        if let failure { throw failure }
    }
}
