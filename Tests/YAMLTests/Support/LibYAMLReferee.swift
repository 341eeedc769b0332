import Foundation
import ChildProcessSupport

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
    static func build() async throws -> LibYAMLReferee {
        let source = TestPaths.packageRoot.appendingPathComponent("Tools/yaml-events/yaml-events.c")
        let output = try TestPaths.temporaryDirectory().appendingPathComponent("yaml-events")
        let status = try await ChildProcess.run(
            "/bin/sh",
            ["-c", "cc -O1 \"$0\" $(pkg-config --cflags --libs yaml-0.1) -o \"$1\"", source.path, output.path]
        ).status
        guard status == 0 else { throw BuildFailed() }
        return LibYAMLReferee(executable: output)
    }

    struct BuildFailed: Error {}

    func events(of file: URL) async throws -> Output {
        let result = try await ChildProcess.run(executable.path, [file.path])
        let text = result.stdout
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Output(lines: lines.last == "" ? Array(lines.dropLast()) : lines, parsed: result.status == 0)
    }

}
