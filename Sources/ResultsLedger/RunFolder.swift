#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run folder: created if needed, and locked (flock on `.lock`, which holds the holder's pid) by the one
/// process that may write its ledger. The lock goes with the process: a crash frees it.
public final class RunFolder: Sendable {
    /// The folder's path.
    public let path: String
    private let lockFD: Int32

    /// Creates the folder (and its parents) and takes its lock, or throws `.locked` naming the holder.
    public init(path: String) throws(LedgerError) {
        self.path = path
        try Self.makeFolders(path)
        let lockPath = path + "/.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Ledger.ioError("open", lockPath) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw .locked(pid: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        lockFD = fd
    }

    deinit {
        _ = ftruncate(lockFD, 0)
        close(lockFD)
    }

    /// Whether the folder exists and holds nothing but what shotrunner would find in a new one.
    public static func isNewOrEmpty(_ path: String) -> Bool {
        guard let directory = opendir(path) else { return true }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." && name != ".lock" { return false }
        }
        return true
    }

    private static func readPID(_ fd: Int32) -> Int? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: bytes[0..<count], as: UTF8.self).filter(\.isNumber))
    }

    static func makeFolders(_ path: String) throws(LedgerError) {
        guard !path.isEmpty, path != "/" else { return }
        var info = stat()
        if stat(path, &info) == 0 { return }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        try makeFolders(parent)
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw Ledger.ioError("mkdir", path) }
    }
}

extension RunFolder {
    /// Takes the folder's lock (creating the folder if needed), runs `body`, and lets the lock go when it returns
    /// or throws: the lock lives exactly as long as the scope that writes the ledger.
    public static func withLock<T>(path: String, _ body: (RunFolder) async throws -> T) async throws -> T {
        let folder = try RunFolder(path: path)
        defer { withExtendedLifetime(folder) {} }
        return try await body(folder)
    }
}
