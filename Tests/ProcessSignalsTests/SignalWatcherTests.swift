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
    @Test("signals are counted and the latest one read while more arrive, without a race")
    func countsWhileRead() async throws {
        let (heard, hearing) = AsyncStream<Int>.makeStream()
        let watcher = SignalWatcher { _, count in hearing.yield(count) }
        // A reader on a thread of its own all along (no task, no lock shared with the handler: nothing orders its
        // reads after the handler's writes but the watcher's own guard), as the run's end reads `lastSignal`.
        let reader = Reader(watcher)
        var latest = 0
        var reads = 0
        // One signal at a time (the kernel merges signals sent together), each read back while the next is due.
        for sent in 1...20 {
            kill(getpid(), sent % 2 == 0 ? SIGTERM : SIGINT)
            for await count in heard {
                latest = count
                reads += watcher.lastSignal == 0 ? 0 : 1
                if count >= sent { break }
            }
        }
        #expect(reader.stop() > 0)
        #expect(latest == 20)
        #expect(watcher.count == 20)
        #expect(reads >= 20)
        #expect(watcher.lastSignal == SIGTERM)
        withExtendedLifetime(watcher) {}
    }
}
