import Crypto

/// One of N disjoint parts of a manifest's jobs: a job belongs to shard I (1-based) when the SHA-256 of its id,
/// read as a big-endian number, leaves I - 1 divided by N. Every process computes the same split.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based index.
    public let index: Int
    /// How many shards.
    public let count: Int

    /// A shard; `nil` unless 1 ≤ index ≤ count.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Reads `I/N`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// Whether a job id belongs to this shard.
    public func contains(_ jobID: String) -> Bool {
        Self.number(of: jobID, modulo: count) == index - 1
    }

    /// SHA-256 of `id` as a big-endian number, modulo `n`.
    public static func number(of id: String, modulo n: Int) -> Int {
        var remainder = 0
        for byte in SHA256.hash(data: Array(id.utf8)) {
            remainder = (remainder * 256 + Int(byte)) % n
        }
        return remainder
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// The default folder name for a shard: `shard-I-of-N`.
    public var folderName: String { "shard-\(index)-of-\(count)" }
}
