import Dispatch
import Foundation
import Synchronization

/// How many signals have come, and the latest: noted by the handlers on Dispatch's queue, read by the run's end
/// on another thread, so both go through one `Mutex`.
final class SignalTally: Sendable {
    private let state = Mutex<(count: Int, last: Int32)>((0, 0))

    /// Notes `times` arrivals of `signal` (signals that come together are coalesced); returns the count so far.
    func note(_ signal: Int32, times: Int) -> Int {
        state.withLock { state in
            state.count += max(1, times)
            state.last = signal
            return state.count
        }
    }

    var count: Int { state.withLock { $0.count } }
    var last: Int32 { state.withLock { $0.last } }
}

/// Watches SIGINT and SIGTERM while a run goes on, calling back with the signal and how many have come.
public final class SignalWatcher: Sendable {
    private let tally = SignalTally()
    /// The signal sources: set once in `init`, read again only in `deinit` (Dispatch's sources are not `Sendable`,
    /// and nothing else touches them).
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]

    /// The latest signal (0 before any).
    public var lastSignal: Int32 { tally.last }

    /// How many signals have come so far.
    public var count: Int { tally.count }

    /// Starts watching; `handler` is called on a global queue with the signal and the count so far.
    public init(_ handler: @escaping @Sendable (Int32, Int) -> Void) {
        var made: [any DispatchSourceSignal] = []
        let tally = self.tally
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            // The handler holds the source; cancelling it (in deinit) releases both.
            source.setEventHandler { [source] in
                // Signals arriving together are coalesced into one event; `data` says how many came.
                handler(signalNumber, tally.note(signalNumber, times: Int(source.data)))
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
