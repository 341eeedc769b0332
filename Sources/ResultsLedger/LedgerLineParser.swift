import JobManifest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads ledger lines back into events.
enum LedgerLineParser {
    struct Malformed: Error {}

    /// One line's bytes (without its newline).
    static func parse(_ line: UnsafeBufferPointer<UInt8>) throws(Malformed) -> LedgerEvent {
        guard case .object(let members)? = try? JSONValue.parse(utf8: line) else { throw Malformed() }
        var kind: LedgerEvent.Kind?
        var time = ""
        var job = ""
        var fields: [(key: String, value: JSONValue)] = []
        fields.reserveCapacity(max(0, members.count - 4))
        for (key, value) in members {
            switch (key, value) {
            case ("v", _): continue
            case ("t", .string(let text)): time = text
            case ("event", .string(let name)): kind = LedgerEvent.Kind(rawValue: name)
            case ("job", .string(let id)): job = id
            default: fields.append((key, value))
            }
        }
        guard let kind else { throw Malformed() }
        return LedgerEvent(kind, job: job, time: time, fields)
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
