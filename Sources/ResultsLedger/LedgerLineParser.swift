import JobManifest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a ledger into lines and reads them back into events.
enum LedgerLineParser {
    /// One line's bytes (without its newline) as an event.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) throws(LedgerLine.Malformed) -> LedgerEvent {
        try LedgerLine(line).event
    }

    /// Calls `body` with each line of `bytes`: its number (from 1), its bytes without the newline, and whether it
    /// is torn (no newline after it: a writer may be mid-line). Empty lines are skipped.
    static func forEachLine<E: Error>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>, Bool) throws(E) -> Void
    ) throws(E) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        var number = 0
        while start < bytes.count {
            var end = bytes.count
            if let found = memchr(base + start, 0x0A, bytes.count - start) {
                end = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            }
            number += 1
            if end > start { try body(number, UnsafeBufferPointer(rebasing: bytes[start..<end]), end == bytes.count) }
            start = end + 1
        }
    }
}
