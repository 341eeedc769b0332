import Crypto

/// What makes one output's bytes its own: the request id and the output's index (from 1), as text written into
/// the file and as a digest its pixels and samples are drawn from.
struct OutputTag: Sendable {
    let requestID: String
    let index: Int

    /// `shotrunner-simulator <request-id> <index>`.
    var text: String { "shotrunner-simulator \(requestID) \(index)" }

    /// The text as a fixed `boxWidth` bytes, padded with zeros: every request's MP4 grows by the same size, so
    /// outputs stay alike in size, as the sample clip's always were.
    var paddedBytes: [UInt8] {
        let text = Array(text.utf8)
        return text + [UInt8](repeating: 0, count: max(0, Self.boxWidth - text.count))
    }

    /// Room for the text of any request id the simulator gives out (at most 28 characters) and any index.
    static let boxWidth = 64

    /// 32 bytes that differ for every request and index.
    var digest: [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }
}
