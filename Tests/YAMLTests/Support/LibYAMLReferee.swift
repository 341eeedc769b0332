import Foundation

/// libyaml's own event printer (`Tools/yaml-events/yaml-events.c`), built for the test run: the referee that
/// says whether a case is libyaml's disagreement with the suite or the wrapper's mistake.
struct LibYAMLReferee {
    let executable: URL

    /// What libyaml printed for a case, and whether it parsed without an error.
    struct Output: Equatable {
        var lines: [String]
        var parsed: Bool
    }

    /// Compiles the printer with the system C compiler against the system libyaml.
    static func build() throws -> LibYAMLReferee {
        let source = TestPaths.packageRoot.appendingPathComponent("Tools/yaml-events/yaml-events.c")
        let output = try TestPaths.temporaryDirectory().appendingPathComponent("yaml-events")
        let status = try run(
            "/bin/sh",
            ["-c", "cc -O1 \"$0\" $(pkg-config --cflags --libs yaml-0.1) -o \"$1\"", source.path, output.path]
        ).status
        guard status == 0 else { throw BuildFailed() }
        return LibYAMLReferee(executable: output)
    }

    struct BuildFailed: Error {}

    func events(of file: URL) throws -> Output {
        let result = try Self.run(executable.path, [file.path])
        let text = String(decoding: result.stdout, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Output(lines: lines.last == "" ? Array(lines.dropLast()) : lines, parsed: result.status == 0)
    }

    private static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
