import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Files the review room serves (outputs, local inputs, the cut), whole or by a byte range: a video element asks for
/// ranges to seek. The path always comes from the ledger or a fixed name, never from the request.
enum ReviewFile {
    /// The response for a file, honouring `Range: bytes=A-B` (one range).
    static func response(_ path: String, range: String?) throws -> Response {
        guard let handle = FileHandle(forReadingAtPath: path) else { return ReviewServer.problem(404, "the file is not on disk any more") }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        var headers: HTTPFields = [.contentType: contentType(path), .acceptRanges: "bytes", .cacheControl: "no-store"]
        var start = 0, end = size - 1
        var status = HTTPResponse.Status.ok
        if let range, let parsed = parse(range, size: size) {
            // At most 8 MiB an answer: a player asks for the rest as it needs it.
            (start, end) = (parsed.0, min(parsed.1, parsed.0 + (8 << 20) - 1))
            status = .partialContent
            headers[.contentRange] = "bytes \(start)-\(end)/\(size)"
        } else if range != nil {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        try handle.seek(toOffset: UInt64(start))
        let data = size == 0 ? Data() : (try handle.read(upToCount: end - start + 1) ?? Data())
        headers[.contentLength] = String(data.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func serve(_ path: String, request: Request) async throws -> Response {
        try response(path, range: request.headers[.range])
    }

    /// `bytes=A-B`, `bytes=A-` or `bytes=-N` within a file of `size` bytes; nil when it asks for none of it.
    static func parse(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(first), start < size else { return nil }
        let end = last.isEmpty ? size - 1 : min(Int(last) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "mp4", "m4v": "video/mp4"
        case "webm": "video/webm"
        case "mov": "video/quicktime"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "wav": "audio/wav"
        case "mp3": "audio/mpeg"
        case "m4a": "audio/mp4"
        case "otio", "json": "application/json"
        case "xml", "fcpxml": "application/xml"
        default: "application/octet-stream"
        }
    }

    /// A file's size and modification time, as text (empty when absent): what tells the page something changed.
    static func stamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "" }
        return "\(info.st_size)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)"
    }
}
