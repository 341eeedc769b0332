import Foundation
import Synchronization

/// ffmpeg and ffprobe as found on `PATH` (Debian: `apt-get install ffmpeg`), run as child processes: the one way
/// shotrunner makes, measures and joins video (the animatic, slates, the simulator's clips).
public struct FFmpeg: Sendable {
    /// The ffmpeg executable.
    public let ffmpeg: String
    /// The ffprobe executable beside it.
    public let ffprobe: String

    /// Why a tool run failed: its exit status and the end of what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let tool: String
        public let status: Int32
        public let output: String
        public var description: String { "\(tool) exited with status \(status): \(output)" }
    }

    /// Both tools on `PATH`, or nil.
    public static func locate(environment: [String: String]? = nil) -> FFmpeg? {
        let environment = environment ?? ProcessInfo.processInfo.environment
        func find(_ name: String) -> String? {
            for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                let candidate = String(folder) + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }
        guard let ffmpeg = find("ffmpeg"), let ffprobe = find("ffprobe") else { return nil }
        return FFmpeg(ffmpeg: ffmpeg, ffprobe: ffprobe)
    }

    /// Runs ffmpeg (quiet, never asking, never reading stdin); `progress` gets the seconds of output written so
    /// far, from ffmpeg's `-progress` lines.
    /// With `timeout`, a run still going after that many seconds is killed and fails (a damaged input can keep
    /// ffmpeg looping on it for ever).
    public func run(_ arguments: [String], timeout: Double? = nil, progress: (@Sendable (Double) -> Void)? = nil) async throws -> String {
        var full = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
        if progress != nil { full += ["-progress", "pipe:1", "-nostats"] }
        return try await Self.execute(ffmpeg, full + arguments, timeout: timeout) { line in
            guard let progress, line.hasPrefix("out_time_us="), let micros = Double(line.dropFirst("out_time_us=".count)) else { return }
            progress(micros / 1_000_000)
        }
    }

    /// What ffprobe says of a media file.
    public func probe(_ path: String) async throws -> MediaInfo {
        let text = try await Self.execute(ffprobe, [
            "-v", "error", "-show_entries", "stream=codec_type,width,height,avg_frame_rate,r_frame_rate:format=duration",
            "-of", "default=noprint_wrappers=0", path,
        ], line: nil)
        return MediaInfo(ffprobeText: text)
    }

    /// Runs a tool to its end, collecting stdout (and handing each line to `line`); a non-zero exit throws with
    /// the end of stderr.
    static func execute(_ executable: String, _ arguments: [String], timeout: Double? = nil, line: (@Sendable (String) -> Void)?) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let collected = Collected()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            for text in collected.appendOut(data) { line?(text) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            collected.appendErr(data)
        }
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak process] in
                if let process, process.isRunning { process.terminate() }
            }
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        // What is left in the pipes after the exit.
        let restOut = out.fileHandleForReading.readDataToEndOfFile()
        out.fileHandleForReading.readabilityHandler = nil
        for text in collected.appendOut(restOut) { line?(text) }
        collected.appendErr(err.fileHandleForReading.readDataToEndOfFile())
        err.fileHandleForReading.readabilityHandler = nil
        guard status == 0 else {
            throw Failure(tool: (executable as NSString).lastPathComponent, status: status, output: String(collected.errText.suffix(2_000)))
        }
        return collected.outText
    }
}

/// Output gathered from a child's pipes on their reader threads.
private final class Collected: Sendable {
    private struct Buffers {
        var out = Data()
        var pending = Data()
        var err = Data()
    }

    private let buffers = Mutex(Buffers())

    /// Appends stdout bytes; returns the whole lines they completed.
    func appendOut(_ data: Data) -> [String] {
        buffers.withLock { buffers in
            buffers.out.append(data)
            buffers.pending.append(data)
            var lines: [String] = []
            while let newline = buffers.pending.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffers.pending[buffers.pending.startIndex..<newline], as: UTF8.self))
                buffers.pending.removeSubrange(buffers.pending.startIndex...newline)
            }
            return lines
        }
    }

    func appendErr(_ data: Data) {
        buffers.withLock { $0.err.append(data) }
    }

    var outText: String { buffers.withLock { String(decoding: $0.out, as: UTF8.self) } }
    var errText: String { buffers.withLock { String(decoding: $0.err, as: UTF8.self) } }
}
