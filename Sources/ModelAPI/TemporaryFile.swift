#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written beside its final path, then fsync'd and renamed into place (and its folder fsync'd), so the
/// final path holds either nothing or a whole file, whatever happens in between.
final class TemporaryFile: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation): \(String(cString: strerror(code)))" }
    }

    let path: String
    private var fd: Int32

    /// Creates `<path>.partial-<random>` (its folder is created if missing, but not the folder above it: a run
    /// folder removed mid-run is an error here, not silently made again).
    init(beside finalPath: String) throws {
        let folder = finalPath.lastIndex(of: "/").map { String(finalPath[..<$0]) } ?? "."
        try Self.makeFolders(folder)
        path = finalPath + ".partial-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(operation: "create \(path)", code: errno) }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(path)
        }
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", code: errno)
            }
            offset += written
        }
    }

    /// fsync, rename over `finalPath`, fsync the folder.
    func commit(to finalPath: String) throws {
        guard fsync(fd) == 0 else { throw Failure(operation: "fsync", code: errno) }
        close(fd)
        fd = -1
        guard rename(path, finalPath) == 0 else {
            let code = errno
            unlink(path)
            throw Failure(operation: "rename to \(finalPath)", code: code)
        }
        let folder = finalPath.lastIndex(of: "/").map { String(finalPath[..<$0]) } ?? "."
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// Removes the partial file.
    func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(path)
    }

    static func makeFolders(_ folder: String) throws {
        guard !folder.isEmpty, folder != "/" else { return }
        var info = stat()
        if stat(folder, &info) == 0 { return }
        if mkdir(folder, 0o755) != 0, errno != EEXIST { throw Failure(operation: "mkdir \(folder)", code: errno) }
    }
}
