import Dispatch
import Foundation

/// Watches SIGINT and SIGTERM while a run goes on, calling back with the signal and how many have come.
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var count = 0
    private(set) var lastSignal: Int32 = 0

    init(_ handler: @escaping @Sendable (Int32, Int) -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            // The handler holds the source; cancelling it (in deinit) releases both.
            source.setEventHandler { [weak self, source] in
                guard let self else { return }
                self.lock.lock()
                // Signals arriving together are coalesced into one event; `data` says how many came.
                self.count += max(1, Int(source.data))
                self.lastSignal = signalNumber
                let count = self.count
                self.lock.unlock()
                handler(signalNumber, count)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
