/// Where a batch is. It only moves forward: running (perhaps paused by a 429) → submits stopped → stopping.
/// `BatchScheduler` reads it again after every await before it acts, as Hummingbird's `Server` does its state.
enum BatchState<Instant: Comparable>: Sendable where Instant: Sendable {
    /// Submits go out; after a 429 they wait until `pausedUntil`.
    case running(pausedUntil: Instant?)
    /// No new submits (the first reason kept). `hard` for a stop that also withdraws an intent still being written
    /// (a signal, a fatal answer, the disk, the ledger); the cap's own stop is not hard: the intents it let
    /// through were counted within it.
    case submitsStopped(reason: String, hard: Bool)
    /// Nothing more is done: no submits, no polls, no downloads; sleepers wake and return.
    case stopping(reason: String)

    var submitsStopped: Bool {
        if case .running = self { return false }
        return true
    }

    var everythingStopped: Bool {
        if case .stopping = self { return true }
        return false
    }

    var hardStopped: Bool {
        switch self {
        case .running: false
        case .submitsStopped(_, let hard): hard
        case .stopping: true
        }
    }

    var stopReason: String? {
        switch self {
        case .running: nil
        case .submitsStopped(let reason, _), .stopping(let reason): reason
        }
    }

    var pausedUntil: Instant? {
        if case .running(let until) = self { return until }
        return nil
    }

    /// Submits stop (a stop already in place keeps its reason; `hard` only ever turns on).
    mutating func stopSubmits(reason: String, hard: Bool) {
        switch self {
        case .running: self = .submitsStopped(reason: reason, hard: hard)
        case .submitsStopped(let first, let wasHard): self = .submitsStopped(reason: first, hard: wasHard || hard)
        case .stopping: break
        }
    }

    /// Everything stops (the first reason kept).
    mutating func stopEverything(reason: String) {
        self = .stopping(reason: stopReason ?? reason)
    }

    /// Submits wait until `until` (a later pause than the one in place wins); false when nothing changed.
    mutating func pause(until: Instant) -> Bool {
        guard case .running(let current) = self, current.map({ until > $0 }) ?? true else { return false }
        self = .running(pausedUntil: until)
        return true
    }
}
