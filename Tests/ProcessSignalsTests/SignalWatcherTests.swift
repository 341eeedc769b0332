import Foundation
import ProcessSignals
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The watcher's state is read by the run's end while signals are still being counted on Dispatch's queue: under
/// ThreadSanitizer (`make test-sanitize`) an unguarded read is a reported race.
@Suite("Signal watcher")
struct SignalWatcherTests {
    @Test("signals are counted and the latest one read while more arrive, without a race")
    func countsWhileRead() async throws {
        let (heard, hearing) = AsyncStream<Int>.makeStream()
        let watcher = SignalWatcher { _, count in hearing.yield(count) }
        // A reader on another thread all along, as the run's end reads `lastSignal` while handlers still run.
        let reader = Task.detached {
            var reads = 0
            while !Task.isCancelled {
                _ = watcher.lastSignal
                reads += 1
                await Task.yield()
            }
            return reads
        }
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
        reader.cancel()
        #expect(await reader.value > 0)
        #expect(latest == 20)
        #expect(watcher.count == 20)
        #expect(reads >= 20)
        #expect(watcher.lastSignal == SIGTERM)
        withExtendedLifetime(watcher) {}
    }
}
