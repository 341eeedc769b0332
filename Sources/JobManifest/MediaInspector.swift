import MediaTools
import JSON
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks local media files (exist, regular, within the largest limit, an image, video or audio by their bytes)
/// and hashes them, once per path however many shots use a file. Which kind a field wants, and that kind's size
/// limit, the decoder checks against the result.
public struct MediaInspector {
    /// The largest file of each kind: images 6 MiB (RunComfy's own clients cap an image there), videos 32 MiB,
    /// audio 16 MiB; a whole body at most 64 MiB.
    public static func maxBytes(_ kind: MediaKind) -> Int {
        switch kind {
        case .image: 6 * 1024 * 1024
        case .video: 32 * 1024 * 1024
        case .audio: 16 * 1024 * 1024
        }
    }

    /// The largest request body, 64 MiB.
    public static let maxBodyBytes = 64 * 1024 * 1024

    /// No file larger than this is read.
    public static let readCap = maxBytes(.video)

    /// Why a file was refused.
    enum Problem: Error, Equatable {
        case notFound
        case unreadable(String)
        case notRegularFile
        case tooLarge(Int)
        case unrecognised
    }

    private var cache: [String: Result<LocalMedia, Problem>] = [:]

    /// Every file that was looked at, by path (what a resume checks again before it trusts an unchanged manifest).
    var paths: [String] { cache.keys.sorted() }

    mutating func inspect(_ path: String) -> Result<LocalMedia, Problem> {
        if let known = cache[path] { return known }
        let result = Self.check(path)
        cache[path] = result
        return result
    }

    private static func check(_ path: String) -> Result<LocalMedia, Problem> {
        let content: ArraySlice<UInt8>
        switch readCapped(path, cap: readCap) {
        case .failure(let problem): return .failure(problem)
        case .success(let bytes): content = bytes
        }
        guard let mediaType = mediaType(of: content) else { return .failure(.unrecognised) }
        let digest = SHA256.hash(data: content)
        return .success(LocalMedia(path: path, sha256: Hex.lowercase(digest), byteCount: content.count, mediaType: mediaType))
    }

    /// A regular file's bytes, at most `cap`. A FIFO or device is refused without blocking, and a file that grows
    /// past the cap while it is read is refused too.
    static func readCapped(_ path: String, cap: Int) -> Result<ArraySlice<UInt8>, Problem> {
        // O_NONBLOCK: a FIFO must not hang us; it is refused below as not a regular file.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(errno == ENOENT ? .notFound : .unreadable(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegularFile) }
        guard Int(info.st_size) <= cap else { return .failure(.tooLarge(Int(info.st_size))) }
        // Read at most one byte past the cap: a file that grows while read is still refused.
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size) + 1, cap + 1))
        var count = 0
        while count < cap + 1 {
            if count == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, cap + 1 - bytes.count)))
            }
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { return .failure(.unreadable(String(cString: strerror(errno)))) }
            if got == 0 { break }
            count += got
        }
        guard count <= cap else { return .failure(.tooLarge(count)) }
        return .success(bytes[0..<count])
    }
}

extension LocalMedia {
    /// The file's bytes now, if they are still the bytes whose digest the job's key was made from; `nil` if the
    /// file was edited, replaced, removed or made unreadable since the manifest was read.
    public func unchangedBytes() -> [UInt8]? {
        guard case .success(let bytes) = MediaInspector.readCapped(path, cap: max(byteCount, 1)), bytes.count == byteCount,
              Hex.lowercase(SHA256.hash(data: bytes)) == sha256 else { return nil }
        return Array(bytes)
    }
}

extension MediaInspector {
    static func mediaType(of bytes: ArraySlice<UInt8>) -> String? {
        MediaSniffer.mediaType(of: bytes)
    }
}

extension LocalMedia {
    /// Checks a file a run made (a source's output, or a frame extracted from it) as the manifest checks its own:
    /// a regular file, an image, video or audio by its bytes, at most `maxBytes`. The error says why not.
    public static func inspect(_ path: String, maxBytes: Int = MediaInspector.readCap) -> Result<LocalMedia, InspectionFailure> {
        switch MediaInspector.readCapped(path, cap: maxBytes) {
        case .failure(.notFound): return .failure(InspectionFailure(path: path, reason: "not found"))
        case .failure(.notRegularFile): return .failure(InspectionFailure(path: path, reason: "not a regular file"))
        case .failure(.unreadable(let reason)): return .failure(InspectionFailure(path: path, reason: reason))
        case .failure(.tooLarge(let bytes)): return .failure(InspectionFailure(path: path, reason: "\(bytes) bytes, more than the \(maxBytes) a request may carry"))
        case .failure(.unrecognised): return .failure(InspectionFailure(path: path, reason: "neither an image, a video nor audio by its bytes"))
        case .success(let bytes):
            guard let mediaType = MediaSniffer.mediaType(of: bytes) else { return .failure(InspectionFailure(path: path, reason: "neither an image, a video nor audio by its bytes")) }
            return .success(LocalMedia(path: path, sha256: Hex.lowercase(SHA256.hash(data: bytes)), byteCount: bytes.count, mediaType: mediaType))
        }
    }

    /// Why a run's file cannot be sent.
    public struct InspectionFailure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }
}
