#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checkpoint's binary form: little-endian integers, doubles by their bits, strings length-prefixed UTF-8.
/// Hand-written rather than Codable: decoding 100,000 records through a generic container is the cost a
/// checkpoint exists to avoid (measured: the JSON fold of a 100,000-job ledger took 0.8 s).
struct CheckpointWriter {
    private(set) var bytes: [UInt8] = []
    /// Where full chunks go (a file being written), so a 100,000-job fold never exists whole as bytes.
    private let sink: ((UnsafeRawBufferPointer) -> Void)?

    init(capacity: Int, sink: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        bytes.reserveCapacity(capacity)
        self.sink = sink
    }

    /// Hands what is written so far to the sink once it passes `threshold` bytes (or at once, with 0).
    mutating func flush(threshold: Int = 1 << 20) {
        guard let sink, bytes.count >= threshold, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { sink($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func int(_ value: Int) {
        var word = UInt64(bitPattern: Int64(value)).littleEndian
        withUnsafeBytes(of: &word) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) { int(Int(Int64(bitPattern: value.bitPattern))) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout CheckpointWriter, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func string(_ value: String?) { optional(value) { $0.string($1) } }
    mutating func int(_ value: Int?) { optional(value) { $0.int($1) } }
    mutating func double(_ value: Double?) { optional(value) { $0.double($1) } }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    mutating func strings(_ values: [String?]) {
        int(values.count)
        for value in values { string(value) }
    }

    mutating func map(_ values: [String: String]) {
        int(values.count)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            string(key)
            string(value)
        }
    }
}

/// Reads what `CheckpointWriter` wrote; any inconsistency (a short file, a length past the end) throws, and the
/// checkpoint is then ignored.
struct CheckpointReader {
    struct Malformed: Error {}

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func int() throws(Malformed) -> Int {
        guard offset + 8 <= bytes.count else { throw Malformed() }
        let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return Int(Int64(bitPattern: UInt64(littleEndian: word)))
    }

    mutating func count() throws(Malformed) -> Int {
        let value = try int()
        guard value >= 0, value <= bytes.count - offset else { throw Malformed() }
        return value
    }

    mutating func double() throws(Malformed) -> Double { Double(bitPattern: UInt64(bitPattern: Int64(try int()))) }

    mutating func bool() throws(Malformed) -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw Malformed() }
        offset += 1
        return bytes[offset - 1] == 1
    }

    mutating func string() throws(Malformed) -> String {
        let length = try count()
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
        offset += length
        return text
    }

    /// A string, as `candidate` itself when its bytes are the same (no second copy of a string met before).
    mutating func string(reusing candidate: String) throws(Malformed) -> String {
        let length = try count()
        let bytes = UnsafeRawBufferPointer(rebasing: self.bytes[offset..<offset + length])
        var candidate = candidate
        let same = candidate.withUTF8 { utf8 in utf8.count == length && (length == 0 || memcmp(utf8.baseAddress!, bytes.baseAddress!, length) == 0) }
        offset += length
        return same ? candidate : String(decoding: bytes, as: UTF8.self)
    }

    mutating func optionalString() throws(Malformed) -> String? { try bool() ? try string() : nil }
    mutating func optionalInt() throws(Malformed) -> Int? { try bool() ? try int() : nil }
    mutating func optionalDouble() throws(Malformed) -> Double? { try bool() ? try double() : nil }

    mutating func strings() throws(Malformed) -> [String] {
        let n = try count()
        var values: [String] = []
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(try string()) }
        return values
    }

    mutating func optionalStrings() throws(Malformed) -> [String?] {
        let n = try count()
        var values: [String?] = []
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(try optionalString()) }
        return values
    }

    mutating func map() throws(Malformed) -> [String: String] {
        let n = try count()
        var values: [String: String] = [:]
        values.reserveCapacity(n)
        for _ in 0..<n {
            let key = try string()
            values[key] = try string()
        }
        return values
    }
}

/// A fast 64-bit hash of a ledger's bytes (four lanes of words folded with multiply and rotate, then combined with
/// the length): it tells a checkpoint whether the bytes it covers are still the ones it was made from. Not a
/// cryptographic digest (nothing here is adversarial, and hashing 100 MB must cost milliseconds, not the 0.4 s
/// SHA-256 takes). Four independent lanes, since one lane's multiplies wait on each other (measured: a third of the
/// time).
struct LedgerHasher {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63)
    private var length = 0
    /// Bytes of a block of 32 not yet complete.
    private var carry: [UInt8] = []

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var start = 0
        length += buffer.count
        if !carry.isEmpty {
            while carry.count < 32, start < buffer.count {
                carry.append(buffer[start])
                start += 1
            }
            guard carry.count == 32 else { return }
            carry.withUnsafeBytes { block($0, at: 0) }
            carry = []
        }
        var offset = start
        while offset + 32 <= buffer.count {
            block(buffer, at: offset)
            offset += 32
        }
        carry.append(contentsOf: buffer[offset...])
    }

    private mutating func block(_ buffer: UnsafeRawBufferPointer, at offset: Int) {
        lanes.0 = Self.mix(lanes.0, buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        lanes.1 = Self.mix(lanes.1, buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        lanes.2 = Self.mix(lanes.2, buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        lanes.3 = Self.mix(lanes.3, buffer.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
    }

    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let folded = (state ^ UInt64(littleEndian: word)) &* 0xFF51_AFD7_ED55_8CCD
        return (folded << 27) | (folded >> 37)
    }

    func finish() -> UInt64 {
        // The tail (under 32 bytes) a word at a time into the first lane, its length in the last word.
        var h = lanes.0
        var index = 0
        while index < carry.count {
            var word: UInt64 = 0
            for byte in 0..<min(8, carry.count - index) { word |= UInt64(carry[index + byte]) << (8 * UInt64(byte)) }
            h = Self.mix(h, word)
            index += 8
        }
        h = Self.mix(h, UInt64(carry.count) << 56)
        h = Self.mix(h, lanes.1)
        h = Self.mix(h, lanes.2)
        h = Self.mix(h, lanes.3)
        h ^= UInt64(length)
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
