#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checkpoint's binary form: little-endian integers, doubles by their bits, strings length-prefixed UTF-8, an
/// optional as a flag then its value, a list as its count then its elements. Written and read by one description
/// of each value (`LedgerFold.checkpoint`, `JobRecord.checkpoint`, and the schema's `fields` for what a line also
/// holds), which calls `code` on each field in order: a writer writes it, a reader reads it in.
/// Hand-written rather than Codable: decoding 100,000 records through a generic container is the cost a
/// checkpoint exists to avoid (measured: the JSON fold of a 100,000-job ledger took 0.8 s).
protocol CheckpointCoding: LedgerFieldVisitor {
    /// Whether this coder reads values in (else it writes them out).
    var reads: Bool { get }
    /// A string; a reader keeps the string already in `value` when the bytes are the same (most jobs share their
    /// model, and a record its listed key), so a fold read from a checkpoint holds one copy of each.
    mutating func code(_ value: inout String)
    mutating func code(_ value: inout Int)
    mutating func code(_ value: inout Bool)
    /// The number of elements that follow (a reader checks it against the bytes left).
    mutating func count(_ value: inout Int)
    /// Marks the checkpoint unreadable (a reader); a writer cannot fail.
    mutating func fail()
    /// A point between elements where a writer may hand its bytes on.
    mutating func boundary()
}

extension CheckpointCoding {
    mutating func code(_ value: inout Double) {
        var bits = Int(Int64(bitPattern: value.bitPattern))
        code(&bits)
        value = Double(bitPattern: UInt64(bitPattern: Int64(bits)))
    }

    mutating func code(_ value: inout UInt64) {
        var bits = Int(Int64(bitPattern: value))
        code(&bits)
        value = UInt64(bitPattern: Int64(bits))
    }

    mutating func code(_ value: inout Int64) {
        var number = Int(value)
        code(&number)
        value = Int64(number)
    }

    /// A case of an enum, by its place among the cases.
    mutating func code<Case: CaseIterable & Equatable>(_ value: inout Case) where Case.AllCases == [Case] {
        var index = Case.allCases.firstIndex(of: value) ?? 0
        code(&index)
        guard Case.allCases.indices.contains(index) else { return fail() }
        value = Case.allCases[index]
    }

    /// An optional: a flag, then the value (coded by `body`, from `empty` when a reader has none yet).
    mutating func code<Wrapped>(_ value: inout Wrapped?, empty: @autoclosure () -> Wrapped, _ body: (inout Self, inout Wrapped) -> Void) {
        var present = value != nil
        code(&present)
        guard present else {
            if reads { value = nil }
            return
        }
        var inner = value ?? empty()
        body(&self, &inner)
        if reads { value = inner }
    }

    mutating func code(_ value: inout String?) { code(&value, empty: "") { $0.code(&$1) } }
    mutating func code(_ value: inout Int?) { code(&value, empty: 0) { $0.code(&$1) } }
    mutating func code(_ value: inout Double?) { code(&value, empty: 0) { $0.code(&$1) } }
    mutating func code(_ value: inout Bool?) { code(&value, empty: false) { $0.code(&$1) } }

    /// A list: its count, then each element (a reader starts each from the one before, so that equal strings are
    /// shared).
    mutating func code<Element>(_ list: inout [Element], empty: Element, _ body: (inout Self, inout Element) -> Void) {
        var count = list.count
        self.count(&count)
        guard reads else {
            for element in list {
                var element = element
                body(&self, &element)
                boundary()
            }
            return
        }
        var read: [Element] = []
        read.reserveCapacity(count)
        var element = empty
        for _ in 0..<count {
            body(&self, &element)
            read.append(element)
        }
        list = read
    }

    mutating func code(_ list: inout [String]) { code(&list, empty: "") { $0.code(&$1) } }
    mutating func code(_ list: inout [String?]) { code(&list, empty: nil) { $0.code(&$1) } }

    /// A list of values described by the schema.
    mutating func code<Object: LedgerFields>(_ list: inout [Object]) { code(&list, empty: Object()) { $1.fields(&$0) } }

    /// A dictionary, in its keys' order.
    mutating func code<Value>(_ map: inout [String: Value], empty: Value, _ body: (inout Self, inout Value) -> Void) {
        var pairs: [(key: String, value: Value)] = reads ? [] : map.sorted { $0.key < $1.key }
        code(&pairs, empty: ("", empty)) { coder, pair in
            coder.code(&pair.key)
            body(&coder, &pair.value)
        }
        if reads { map = Dictionary(pairs) { _, last in last } }
    }

    mutating func code(_ map: inout [String: String]) { code(&map, empty: "") { $0.code(&$1) } }
}

/// What the schema's fields are in a checkpoint: every field present (as a flag and a value where optional),
/// names unwritten.
extension CheckpointCoding {
    mutating func field(_ name: StaticString, _ value: inout String) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout String?, _ absent: WhenAbsent) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout Int) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout Int?) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout Double?, _ absent: WhenAbsent) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout Bool) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout Bool?) { code(&value) }
    mutating func field(_ name: StaticString, _ value: inout [String]?, omitEmpty: Bool) { code(&value, empty: []) { $0.code(&$1) } }

    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<String>]) {
        code(&value, empty: LedgerEvent.Named("", "")) { coder, pair in
            coder.code(&pair.name)
            coder.code(&pair.value)
        }
    }

    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<Int>]) {
        code(&value, empty: LedgerEvent.Named("", 0)) { coder, pair in
            coder.code(&pair.name)
            coder.code(&pair.value)
        }
    }

    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout Object?) { code(&value, empty: Object()) { $1.fields(&$0) } }
    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout [Object]?) { code(&value, empty: []) { $0.code(&$1) } }
}

/// Writes a checkpoint's bytes.
struct CheckpointWriter: CheckpointCoding {
    private(set) var bytes: [UInt8] = []
    /// Where full chunks go (a file being written), so a 100,000-job fold never exists whole as bytes.
    private let sink: ((UnsafeRawBufferPointer) -> Void)?
    var reads: Bool { false }

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

    mutating func boundary() { flush() }
    mutating func fail() {}

    mutating func code(_ value: inout Int) {
        var word = UInt64(bitPattern: Int64(value)).littleEndian
        withUnsafeBytes(of: &word) { bytes.append(contentsOf: $0) }
    }

    mutating func count(_ value: inout Int) { code(&value) }
    mutating func code(_ value: inout Bool) { bytes.append(value ? 1 : 0) }

    mutating func code(_ value: inout String) {
        var length = value.utf8.count
        code(&length)
        value.withUTF8 { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `CheckpointWriter` wrote. Any inconsistency (a short file, a length past the end, a case out of range)
/// marks it `malformed`, and every value read after it is empty: the checkpoint is then ignored.
struct CheckpointReader: CheckpointCoding {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private(set) var malformed = false
    var reads: Bool { true }

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func fail() { malformed = true }
    mutating func boundary() {}

    mutating func code(_ value: inout Int) {
        guard !malformed, offset + 8 <= bytes.count else {
            malformed = true
            value = 0
            return
        }
        let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        value = Int(Int64(bitPattern: UInt64(littleEndian: word)))
    }

    mutating func count(_ value: inout Int) {
        code(&value)
        guard value >= 0, value <= bytes.count - offset else {
            malformed = true
            value = 0
            return
        }
    }

    mutating func code(_ value: inout Bool) {
        guard !malformed, offset < bytes.count, bytes[offset] <= 1 else {
            malformed = true
            value = false
            return
        }
        offset += 1
        value = bytes[offset - 1] == 1
    }

    /// A string, as the one already in `value` when its bytes are the same.
    mutating func code(_ value: inout String) {
        var length = 0
        count(&length)
        guard !malformed else {
            value = ""
            return
        }
        let read = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
        offset += length
        let same = value.withUTF8 { utf8 in utf8.count == length && (length == 0 || memcmp(utf8.baseAddress!, read.baseAddress!, length) == 0) }
        if !same { value = String(decoding: read, as: UTF8.self) }
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
