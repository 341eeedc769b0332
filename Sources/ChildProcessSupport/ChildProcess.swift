public import Foundation

/// Runs a program to its end without blocking a thread of Swift's cooperative pool (on a 2-core machine a
/// test that blocks one in `waitUntilExit` can starve an in-process server that other tests are talking to).
/// Output goes to temporary files, so a large one cannot block the child either.
public enum ChildProcess {
    /// What a run produced.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// What no child of a test inherits: an API token or base URL set on the machine would send the test to the
    /// real API, and a proxy would route its calls to the local simulator elsewhere. A test that wants a token or
    /// a base URL passes it explicitly.
    public static let clearedVariables: Set<String> = [
        "RUNCOMFY_API_TOKEN", "RUNCOMFY_TOKEN", "RUNCOMFY_BASE_URL",
        "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "no_proxy", "all_proxy",
        "SHOTRUNNER_LEDGER_URL", "PGPASSWORD",
    ]

    /// The environment for a child: `base` (this process's) without `clearedVariables`, then `extra` on top.
    public static func environment(
        adding extra: [String: String] = [:],
        to base: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        var environment = base.filter { !clearedVariables.contains($0.key) }
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs `executable` with `arguments`, in `directory` if given, with `environment` added to this process's
    /// (less `clearedVariables`).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        in directory: URL? = nil
    ) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = Self.environment(adding: environment)
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: status,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Reads a pipe until `marker` has appeared (or the pipe ends), on a thread of its own; returns what was read.
    public static func read(_ handle: FileHandle, until marker: String) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = Data()
                let wanted = Data(marker.utf8)
                while text.range(of: wanted) == nil {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    text.append(chunk)
                }
                continuation.resume(returning: String(decoding: text, as: UTF8.self))
            }
        }
    }

    /// Reads a pipe's first line on a thread of its own (a blocking read must not hold a pool thread).
    /// Reads `handle` until a line containing `needle` (that line), or its end (nil): for a test that waits on
    /// what a process says it did, not on the clock.
    public static func firstLine(of handle: FileHandle, containing needle: String) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var pending = ""
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    pending += String(decoding: chunk, as: UTF8.self)
                    let lines = pending.split(separator: "\n", omittingEmptySubsequences: false)
                    if let found = lines.dropLast().first(where: { $0.contains(needle) }) {
                        continuation.resume(returning: String(found))
                        return
                    }
                    pending = String(lines.last ?? "")
                }
                continuation.resume(returning: pending.contains(needle) ? pending : nil)
            }
        }
    }

    public static func firstLine(of handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var line = Data()
                while !line.contains(0x0A) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    line.append(chunk)
                }
                let text = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                continuation.resume(returning: text)
            }
        }
    }
}
