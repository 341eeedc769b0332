
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a ledger file into lines (each is read by `LedgerLine`).
enum LedgerLineParser {
    /// Reads the file at `fd` from its start in chunks and calls `body` with each line: its number (from 1), its
    /// bytes without the newline, and whether it is torn (no newline after it: a writer may be mid-line). Empty
    /// lines are skipped; `body` returns false to stop. Memory stays at a chunk plus the longest line, however long
    /// the file: a 100,000-job ledger is 100 MB. Only reading can fail.
    /// `start` and `firstNumber` begin part-way (after a checkpoint: its offset, a line boundary, and the lines
    /// before it). Returns the offset it read to and the number of the last line.
    @discardableResult
    static func forEachLine(
        fd: Int32, path: String, chunkSize: Int = 1 << 20, from start: Int = 0, firstNumber: Int = 0,
        _ body: (Int, UnsafeBufferPointer<UInt8>, Bool) -> Bool
    ) throws(LedgerError) -> (end: Int, lines: Int) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var offset = off_t(start)
        var number = firstNumber
        var atEnd = false
        var searched = 0  // bytes of `buffer` known to hold no newline
        while !atEnd {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Ledger.ioError("read", path)
            }
            if count == 0 { atEnd = true } else {
                offset += off_t(count)
                buffer.append(contentsOf: chunk[0..<count])
            }
            var consumed = 0
            let goOn = buffer.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress else { return true }
                while consumed < bytes.count {
                    // A line longer than a chunk: its first part was searched already.
                    let from = max(consumed, searched)
                    guard let found = memchr(base + from, 0x0A, bytes.count - from) else {
                        guard atEnd else {  // the rest of this line is in the next chunk
                            searched = bytes.count
                            return true
                        }
                        number += 1
                        let torn = UnsafeBufferPointer(rebasing: bytes[consumed...])
                        consumed = bytes.count
                        return body(number, torn, true)
                    }
                    let end = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                    number += 1
                    let line = UnsafeBufferPointer(rebasing: bytes[consumed..<end])
                    consumed = end + 1
                    if !line.isEmpty, !body(number, line, false) { return false }
                }
                return true
            }
            if !goOn { return (Int(offset), number) }
            buffer.removeFirst(consumed)
            searched = max(0, searched - consumed)
        }
        return (Int(offset), number)
    }
}
