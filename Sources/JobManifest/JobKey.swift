import Crypto
import JSON

/// A job's key: `v1:` and the SHA-256, in lowercase hex, of the UTF-8 text
/// `<model id> "\n" <canonical body> "\n" <take number>`, where the canonical body is the request body as
/// compact JSON with keys sorted and local images written as `sha256:<hex of their bytes>`.
///
/// The ledger counts an earlier result for a job only while the key still matches: an edited shot renders
/// again, an untouched one does not. Test vectors are in `docs/manifest.md`.
public struct JobKey: Sendable, Hashable, CustomStringConvertible {
    /// The digest's 32 bytes as four words: compact and `Sendable`.
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// Computes the key of a body and take.
    public init(modelID: String, body: RequestBody, take: Int) {
        var text: [UInt8] = []
        text.reserveCapacity(512)
        text.append(contentsOf: modelID.utf8)
        text.append(0x0A)
        body.appendCanonicalJSON(to: &text)
        text.append(0x0A)
        text.append(contentsOf: String(take).utf8)
        self.init(hashing: text)
    }

    /// Computes the key from the canonical body text.
    public init(modelID: String, canonicalBody: String, take: Int) {
        self.init(hashing: Array((modelID + "\n" + canonicalBody + "\n" + String(take)).utf8))
    }

    private init(hashing text: [UInt8]) {
        var hasher = SHA256()
        hasher.update(data: text)
        let bytes = Array(hasher.finalize())
        func word(_ start: Int) -> UInt64 { bytes[start..<start + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        words = (word(0), word(8), word(16), word(24))
    }

    public static func == (lhs: JobKey, rhs: JobKey) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    private var hex: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Hex.lowercase(bytes)
    }

    public var description: String {
        "v1:" + hex
    }

    /// The first 8 hex digits, for file names (`<job>.superseded-<key8>.mp4`).
    public var short: String {
        String(hex.prefix(8))
    }
}
