import JSON
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks local image files (exist, regular, at most 6 MiB, PNG/JPEG/WebP by their bytes) and hashes them,
/// once per path however many shots use a file.
struct ImageInspector {
    /// The largest image accepted, 6 MiB (RunComfy's own clients cap an image there).
    static let maxBytes = 6 * 1024 * 1024

    /// Why a file was refused.
    enum Problem: Error, Equatable {
        case notFound
        case unreadable(String)
        case notRegularFile
        case tooLarge(Int)
        case notAnImage
    }

    private var cache: [String: Result<LocalImage, Problem>] = [:]

    mutating func inspect(_ path: String) -> Result<LocalImage, Problem> {
        if let known = cache[path] { return known }
        let result = Self.check(path)
        cache[path] = result
        return result
    }

    private static func check(_ path: String) -> Result<LocalImage, Problem> {
        let content: ArraySlice<UInt8>
        switch readCapped(path) {
        case .failure(let problem): return .failure(problem)
        case .success(let bytes): content = bytes
        }
        guard let mediaType = mediaType(of: content) else { return .failure(.notAnImage) }
        let digest = SHA256.hash(data: content)
        return .success(LocalImage(path: path, sha256: Hex.lowercase(digest), byteCount: content.count, mediaType: mediaType))
    }

    /// A regular file's bytes, at most `maxBytes`. A FIFO or device is refused without blocking, and a file
    /// that grows past the cap while it is read is refused too.
    static func readCapped(_ path: String) -> Result<ArraySlice<UInt8>, Problem> {
        // O_NONBLOCK: a FIFO must not hang us; it is refused below as not a regular file.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(errno == ENOENT ? .notFound : .unreadable(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegularFile) }
        guard Int(info.st_size) <= maxBytes else { return .failure(.tooLarge(Int(info.st_size))) }
        // Read at most one byte past the cap: a file that grows while read is still refused.
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size) + 1, maxBytes + 1))
        var count = 0
        while count < maxBytes + 1 {
            if count == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maxBytes + 1 - bytes.count)))
            }
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { return .failure(.unreadable(String(cString: strerror(errno)))) }
            if got == 0 { break }
            count += got
        }
        guard count <= maxBytes else { return .failure(.tooLarge(count)) }
        return .success(bytes[0..<count])
    }
}

extension LocalImage {
    /// The file's bytes now, if they are still the bytes whose digest the job's key was made from; `nil` if the
    /// file was edited, replaced, removed or made unreadable since the manifest was read.
    public func unchangedBytes() -> [UInt8]? {
        guard case .success(let bytes) = ImageInspector.readCapped(path), bytes.count == byteCount,
              Hex.lowercase(SHA256.hash(data: bytes)) == sha256 else { return nil }
        return Array(bytes)
    }
}

extension ImageInspector {
    /// PNG, JPEG or WebP by the file's first bytes.
    static func mediaType(of bytes: ArraySlice<UInt8>) -> String? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.count == 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return nil
    }
}
