import Foundation
import ChildProcessSupport
import RunnerTestSupport

/// `shotrunner simulate` running as its own process, for as long as a test needs it.
final class SimulatorProcess {
    let process = Process()
    let baseURL: String

    /// Starts the simulator with extra arguments and waits for its first line, `listening on URL`.
    init(_ arguments: [String] = []) async throws {
        process.executableURL = CLIProcess.binary
        process.arguments = ["simulate", "--port", "0"] + arguments
        process.environment = ChildProcess.environment()  // no token, base URL or proxy from the machine
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = await ChildProcess.firstLine(of: out.fileHandleForReading)
        guard text.hasPrefix("listening on ") else {
            process.terminate()
            throw StartFailed(line: text)
        }
        baseURL = String(text.dropFirst("listening on ".count))
    }

    struct StartFailed: Error {
        let line: String
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
