import Foundation

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

    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        // Output goes to files, not pipes: nothing can block the child, however much it writes.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    static func fixture(_ path: String) -> String {
        packageRoot.appendingPathComponent("Tests/JobManifestTests/Fixtures").appendingPathComponent(path).path
    }
}
