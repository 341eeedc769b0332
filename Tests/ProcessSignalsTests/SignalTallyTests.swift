import Dispatch
import Foundation
@testable import ProcessSignals
import Synchronization
import Testing

/// The watcher's tally is noted on Dispatch's queue while the run's end reads it from another thread. No signal is
/// sent here (one sent to the test runner can end it): the tally is driven directly, from many threads at once.
/// Unguarded, counts are lost: 159,287 of 160,000 in one run. ThreadSanitizer cannot judge this one on Linux (it does
/// not see `Mutex`'s futex as a lock), so it is not in the sanitizer subset.
/// A reader thread's stop flag and what it saw.
final class ReaderState: Sendable {
    let reading = Atomic(true)
    let seen = Mutex<Set<Int32>>([])
}

@Suite("Signal tally")
struct SignalTallyTests {
    @Test("notes from many threads at once are all counted while another thread reads the latest signal")
    func concurrentNotes() {
        let tally = SignalTally()
        let state = ReaderState()
        let reader = Thread {
            var local: Set<Int32> = []
            while state.reading.load(ordering: .relaxed) { local.insert(tally.last) }
            state.seen.withLock { $0 = local }
        }
        reader.start()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for _ in 0..<20_000 { _ = tally.note(worker % 2 == 0 ? SIGINT : SIGTERM, times: 1) }
        }
        state.reading.store(false, ordering: .relaxed)
        while !reader.isFinished { sched_yield() }
        #expect(tally.count == 160_000)
        #expect([SIGINT, SIGTERM].contains(tally.last))
        #expect(state.seen.withLock { $0 }.isSubset(of: [0, SIGINT, SIGTERM]))
    }

    @Test("signals that come together count as many as came")
    func coalesced() {
        let tally = SignalTally()
        #expect(tally.note(SIGINT, times: 0) == 1)
        #expect(tally.note(SIGTERM, times: 3) == 4)
        #expect(tally.last == SIGTERM)
    }
}
