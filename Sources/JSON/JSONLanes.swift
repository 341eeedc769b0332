import Dispatch
import Synchronization

/// Writes the elements of a long array on two threads: in rounds, each thread writes the next block of elements
/// into a buffer of its own, and the blocks are handed on in order. The bytes are the ones a single thread writes
/// (every element is written whole by one call, separators included); only the work is shared. On the 2-core
/// machine of `docs/performance.md` this takes writing a 100,000-job document from most of `status --json` to
/// about half that.
enum JSONLanes {
    /// Elements per block: about half a MiB of a job's entry each.
    static let block = 1024

    /// Writes elements `0..<count` by `writeElement`, handing `out` (what was written before them) and then
    /// each block to `flush` in order (a short array: `out` whenever it passes 1 MiB). What is left in `out` at the
    /// end is the caller's to hand on.
    static func write(
        count: Int, to out: inout [UInt8], flush: (inout [UInt8]) -> Void, _ writeElement: @Sendable (Int, inout [UInt8]) -> Void
    ) {
        // A short array is not worth a second thread: written as one thread writes, handed on a MiB at a time.
        guard count > block else {
            for position in 0..<count {
                writeElement(position, &out)
                if out.count >= 1 << 20 { flush(&out) }
            }
            return
        }
        flush(&out)
        let buffers = Buffers()
        var start = 0
        while start < count {
            let ranges = [start..<min(count, start + block), min(count, start + block)..<min(count, start + 2 * block)]
            let lanes = ranges[1].isEmpty ? 1 : 2
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                buffers.fill(lane) { buffer in
                    for position in ranges[lane] { writeElement(position, &buffer) }
                }
            }
            for lane in 0..<lanes { buffers.hand(lane, to: flush) }
            start = ranges[lanes - 1].upperBound
        }
    }

    /// One buffer per lane, each behind its own lock: a lane holds its lock while it writes a whole block, and the
    /// caller takes them in turn once both lanes have returned, so the locks are never contended.
    private final class Buffers: Sendable {
        private let first = Mutex<[UInt8]>([])
        private let second = Mutex<[UInt8]>([])

        init() {
            first.withLock { $0.reserveCapacity(1 << 20) }
            second.withLock { $0.reserveCapacity(1 << 20) }
        }

        func fill(_ lane: Int, _ body: (inout [UInt8]) -> Void) {
            if lane == 0 { first.withLock { body(&$0) } } else { second.withLock { body(&$0) } }
        }

        func hand(_ lane: Int, to flush: (inout [UInt8]) -> Void) {
            func handOn(_ buffer: inout [UInt8]) {
                flush(&buffer)
                buffer.removeAll(keepingCapacity: true)
            }
            if lane == 0 { first.withLock { handOn(&$0) } } else { second.withLock { handOn(&$0) } }
        }
    }
}
