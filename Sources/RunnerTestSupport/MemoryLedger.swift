import NIOConcurrencyHelpers
public import ResultsLedger

/// A ledger store in memory, for the scheduler's tests: the same protocol as the folder's `Ledger` (lines
/// appended after a suspension, as a group commit's fsync would make them wait; the fold kept live; one atomic
/// admission), with every line kept in order for a test to read.
public actor MemoryLedger: LedgerStore {
    public private(set) var fold = LedgerFold()
    /// Every line appended, in order.
    public private(set) var events: [LedgerEvent] = []
    /// The durable spend and the reservations of admitted intents not yet durable. A pthread lock (NIO's), not
    /// `Synchronization.Mutex`: the scheduler's tests run under ThreadSanitizer, which on Linux does not see a
    /// `Mutex`'s futex as a lock.
    private let spend = NIOLockedValueBox((folder: 0.0, beforeLatestRun: 0.0, reserved: 0.0))

    /// A store that already holds these lines (an earlier run's).
    public init(_ earlier: [LedgerEvent] = []) {
        var fold = LedgerFold()
        for event in earlier { fold.apply(event) }
        self.fold = fold
        events = earlier
        spend.withLockedValue { $0 = (fold.spent, fold.spentBeforeLatestRun, 0) }
    }

    public func append(_ lines: [LedgerEvent], releasing reservation: Double) async throws(LedgerError) {
        // Durable only after a suspension, as a real write is: other jobs go on meanwhile.
        await Task.yield()
        for line in lines {
            events.append(line)
            fold.apply(line)
        }
        let fold = self.fold
        spend.withLockedValue { $0 = (fold.spent, fold.spentBeforeLatestRun, $0.reserved - reservation) }
    }

    public nonisolated func reserve(_ amount: Double) {
        spend.withLockedValue { $0.reserved += amount }
    }

    public func claim(_ jobs: [String], limit: Int) async -> [String] {
        Array(jobs.prefix(limit))
    }

    /// The jobs whose slots the scheduler gave back, in order.
    public private(set) var released: [String] = []

    public func release(job: String) async {
        released.append(job)
    }

    /// Lines another writer appended (a test's decisions), handed out by the next `changes()`.
    private var others: [LedgerEvent] = []

    /// Appends a line as another writer would: folded and returned by the next `changes()`.
    public func appendAsOtherWriter(_ event: LedgerEvent) {
        others.append(event)
    }

    public func changes() async throws(LedgerError) -> [LedgerEvent] {
        let lines = others
        others = []
        for line in lines {
            events.append(line)
            fold.apply(line)
        }
        return lines
    }

    public nonisolated var spent: (folder: Double, latestRun: Double) {
        spend.withLockedValue { ($0.folder + $0.reserved, $0.folder - $0.beforeLatestRun + $0.reserved) }
    }
}
