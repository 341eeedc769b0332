import AtomicFiles
import Foundation

/// `RUN_DIR/spill/<worker-id>.jsonl`: the lines a worker could not commit while the database did not answer (request
/// ids, statuses, results, downloads), each written and fsync'd before the worker goes on, in today's line format.
/// One file per worker (several machines share the folder); replayed into the database when it answers again, or
/// by the next worker to start once this one is gone.
struct SpillFile: Sendable {
    let path: String

    init(folder: String, worker: String) {
        path = folder + "/spill/" + worker + ".jsonl"
    }

    init(path: String) {
        self.path = path
    }

    /// The worker a spill file belongs to (its name without `.jsonl`).
    var worker: String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }

    /// Appends lines and fsyncs them.
    func append(_ lines: [String]) throws(Failed) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failed(reason: "\(error)")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failed(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        let outcome = WriteAll.write(descriptor, bytes)
        if let code = outcome.errno { throw Failed(reason: String(cString: strerror(code))) }
        guard fsync(descriptor) == 0 else { throw Failed(reason: String(cString: strerror(errno))) }
    }

    /// The whole lines written (a line cut short by a crash is left out: it was never acted on).
    func lines() -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    /// Replaces the file's lines (atomically).
    func rewrite(_ lines: [String]) throws {
        try AtomicFile.write(Array(lines.map { $0 + "\n" }.joined().utf8), to: path)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Every spill file of a folder.
    static func all(in folder: String) -> [SpillFile] {
        let spill = folder + "/spill"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spill)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { SpillFile(path: spill + "/" + $0) }
    }

    struct Failed: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
