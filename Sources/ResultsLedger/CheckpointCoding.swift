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

/// A fast 64-bit hash of a ledger's bytes (words folded with multiply and rotate, the length mixed in at the end):
/// it tells a checkpoint whether the bytes it covers are still the ones it was made from. Not a cryptographic
/// digest (nothing here is adversarial, and hashing 100 MB must cost milliseconds, not the 0.4 s SHA-256 takes).
struct LedgerHasher {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var length = 0
    private var carry: [UInt8] = []

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var start = 0
        length += buffer.count
        if !carry.isEmpty {
            while carry.count < 8, start < buffer.count {
                carry.append(buffer[start])
                start += 1
            }
            guard carry.count == 8 else { return }
            carry.withUnsafeBytes { mix($0.loadUnaligned(as: UInt64.self)) }
            carry = []
        }
        let words = (buffer.count - start) / 8
        var offset = start
        for _ in 0..<words {
            mix(buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        while offset < buffer.count {
            carry.append(buffer[offset])
            offset += 1
        }
    }

    private mutating func mix(_ word: UInt64) {
        state = (state ^ UInt64(littleEndian: word)) &* 0xFF51_AFD7_ED55_8CCD
        state = (state << 27) | (state >> 37)
    }

    func finish() -> UInt64 {
        var copy = self
        var tail: UInt64 = 0
        for (index, byte) in carry.enumerated() { tail |= UInt64(byte) << (8 * UInt64(index)) }
        copy.mix(tail ^ (UInt64(carry.count) << 56))
        var h = copy.state ^ UInt64(length)
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
