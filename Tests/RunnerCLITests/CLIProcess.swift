import Foundation
import ChildProcessSupport
import RunnerTestSupport

/// Runs the built `shotrunner` binary as a user would, capturing its output and exit status.
struct CLIProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `$SHOTRUNNER_BIN`, else the binary beside the test bundle, else `.build/debug/shotrunner`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SHOTRUNNER_BIN"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let besideTests = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("shotrunner")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/shotrunner")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) async throws -> Result {
        let result = try await ChildProcess.run(binary.path, arguments, environment: environment, in: directory)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    static func fixture(_ path: String) -> String {
        packageRoot.appendingPathComponent("Tests/JobManifestTests/Fixtures").appendingPathComponent(path).path
    }
}
