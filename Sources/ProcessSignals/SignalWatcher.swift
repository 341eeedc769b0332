import Dispatch
import Foundation
import Synchronization

/// Watches SIGINT and SIGTERM while a run goes on, calling back with the signal and how many have come.
public final class SignalWatcher: Sendable {
    /// How many signals have come so far.
    public var count: Int { seen.state.withLock { $0.count } }

    /// How many signals have come, and the latest: written on the handlers' queue, read at the run's end.
    private final class Seen: Sendable {
        let state = Mutex<(count: Int, last: Int32)>((0, 0))
    }

    private let seen = Seen()
    /// The signal sources: set once in `init`, read again only in `deinit` (Dispatch's sources are not `Sendable`,
    /// and nothing else touches them).
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]

    /// The latest signal (0 before any).
    public var lastSignal: Int32 { seen.state.withLock { $0.last } }

    /// Starts watching; `handler` is called on a global queue with the signal and the count so far.
    public init(_ handler: @escaping @Sendable (Int32, Int) -> Void) {
        var made: [any DispatchSourceSignal] = []
        let seen = self.seen
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            // The handler holds the source; cancelling it (in deinit) releases both.
            source.setEventHandler { [source] in
                // Signals arriving together are coalesced into one event; `data` says how many came.
                let count = seen.state.withLock { state in
                    state.count += max(1, Int(source.data))
                    state.last = signalNumber
                    return state.count
                }
                handler(signalNumber, count)
            }
            source.resume()
            made.append(source)
        }
        sources = made
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
