import Foundation

/// Where the tests find the project and the data it holds.
enum TestPaths {
    /// The package root (three levels above this file).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The YAML test suite's data: `$SHOTRUNNER_YAML_TEST_SUITE`, else `Tests/yaml-test-suite` in the package.
    static var yamlTestSuite: URL {
        if let path = ProcessInfo.processInfo.environment["SHOTRUNNER_YAML_TEST_SUITE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.appendingPathComponent("Tests/yaml-test-suite")
    }

    /// A fixture file under `Tests/YAMLTests/Fixtures`.
    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/YAMLTests/Fixtures").appendingPathComponent(name)
    }

    /// A new empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
