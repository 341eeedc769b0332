#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written beside its final path, then fsync'd and renamed into place (and its folder fsync'd), so the
/// final path holds either nothing or a whole file, whatever happens in between. The package's one way to
/// replace a file: downloads, `summary.json`, a rewritten ledger, the catalogue cache.
///
/// Not safe to share between threads (one writer owns it); `@unchecked Sendable` so a download can hand it
/// to the task that streams into it.
package final class AtomicFile: @unchecked Sendable {
    /// A system call that failed, with its errno.
    package struct Failure: Error, CustomStringConvertible {
        package let operation: String
        package let path: String
        package let code: Int32
        package var reason: String { String(cString: strerror(code)) }
        package var description: String { "\(operation) \(path): \(reason)" }
    }

    /// The temporary file's path.
    package let path: String
    private var fd: Int32

    /// Writes `bytes` as the whole of `finalPath`, atomically and durably.
    package static func write(_ bytes: [UInt8], to finalPath: String) throws(Failure) {
        let file = try AtomicFile(beside: finalPath)
        try file.write(bytes)
        try file.commit(to: finalPath)
    }

    /// Creates `<path>.partial-<random>` (its folder is created if missing, but not the folder above it: a run
    /// folder removed mid-run is an error here, not silently made again).
    package init(beside finalPath: String) throws(Failure) {
        let folder = Self.folder(of: finalPath)
        try Self.makeFolders(folder)
        path = finalPath + ".partial-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(path)
        }
    }

    /// Appends bytes (retrying short writes and EINTR).
    package func write(_ bytes: [UInt8]) throws(Failure) {
        try write(bytes.withUnsafeBytes { WriteAll.write(fd, $0) })
    }

    /// Appends the bytes of a buffer.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        try write(WriteAll.write(fd, bytes))
    }

    private func write(_ outcome: WriteAll.Outcome) throws(Failure) {
        if let code = outcome.errno { throw Failure(operation: "write", path: path, code: code) }
    }

    /// Writes bytes at an offset (a header filled in last), leaving the end where it is.
    package func write(_ bytes: [UInt8], at offset: Int) throws(Failure) {
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == bytes.count else { throw Failure(operation: "write", path: path, code: written < 0 ? errno : EIO) }
    }

    /// fsync, rename over `finalPath`, fsync the folder.
    package func commit(to finalPath: String) throws(Failure) {
        guard fsync(fd) == 0 else {
            let code = errno
            discard()
            throw Failure(operation: "fsync", path: path, code: code)
        }
        close(fd)
        fd = -1
        guard rename(path, finalPath) == 0 else {
            let code = errno
            unlink(path)
            throw Failure(operation: "rename", path: finalPath, code: code)
        }
        Self.syncFolder(of: finalPath)
    }

    /// fsyncs the folder of a path, so a rename into it is durable.
    static func syncFolder(of path: String) {
        let folderFD = open(folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// Removes the partial file.
    package func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(path)
    }

    /// Creates `folder` when missing (not the folders above it).
    package static func makeFolders(_ folder: String) throws(Failure) {
        guard !folder.isEmpty, folder != "/" else { return }
        var info = stat()
        if stat(folder, &info) == 0 { return }
        if mkdir(folder, 0o755) != 0, errno != EEXIST { throw Failure(operation: "mkdir", path: folder, code: errno) }
    }

    private static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    }
}

extension AtomicFile {
    /// Puts a file another program wrote whole (ffmpeg's output) in place the same way: fsync it, rename it over
    /// `finalPath`, fsync the folder. The temporary is removed when anything fails.
    package static func publish(_ temporary: String, as finalPath: String) throws(Failure) {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open", path: temporary, code: errno) }
        let synced = fsync(fd) == 0
        let code = errno
        close(fd)
        guard synced else {
            unlink(temporary)
            throw Failure(operation: "fsync", path: temporary, code: code)
        }
        guard rename(temporary, finalPath) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(operation: "rename", path: finalPath, code: code)
        }
        syncFolder(of: finalPath)
    }
}
