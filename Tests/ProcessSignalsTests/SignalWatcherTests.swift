import Foundation
import ProcessSignals
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The watcher's state is read by the run's end while signals are still being counted on Dispatch's queue: under
/// ThreadSanitizer (`make test-sanitize`) an unguarded read is a reported race.
/// Reads `lastSignal` in a tight loop on a thread of its own until stopped.
final class Reader: Sendable {
    private let stopped = Atomic(false)
    private let reads = Atomic(0)
    private let done = Atomic(false)

    init(_ watcher: SignalWatcher) {
        Thread.detachNewThread { [self] in
            var count = 0
            while !stopped.load(ordering: .relaxed) {
                _ = watcher.lastSignal
                count += 1
            }
            reads.store(count, ordering: .releasing)
            done.store(true, ordering: .releasing)
        }
    }

    /// Stops the reader and returns how many reads it made.
    func stop() -> Int {
        stopped.store(true, ordering: .relaxed)
        while !done.load(ordering: .acquiring) { sched_yield() }
        return reads.load(ordering: .acquiring)
    }
}

@Suite("Signal watcher")
struct SignalWatcherTests {
    @Test("a signal is counted and named while another thread reads the watcher", .timeLimit(.minutes(1)))
    func countsWhileRead() async throws {
        let watcher = SignalWatcher { _, _ in }
        // A reader on a thread of its own all along (no task, no lock shared with the handler: nothing orders its
        // reads after the handler's writes but the watcher's own guard), as the run's end reads `lastSignal`.
        let reader = Reader(watcher)
        #expect(watcher.lastSignal == 0)
        kill(getpid(), SIGINT)
        while watcher.count < 1 { await Task.yield() }
        #expect(watcher.lastSignal == SIGINT)
        let afterFirst = watcher.count
        kill(getpid(), SIGTERM)
        while watcher.lastSignal != SIGTERM { await Task.yield() }
        #expect(watcher.count > afterFirst)
        #expect(reader.stop() > 0)
        withExtendedLifetime(watcher) {}
    }
}
