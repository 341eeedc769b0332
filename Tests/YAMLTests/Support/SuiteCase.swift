import Foundation

/// One case of the YAML test suite: a folder with `in.yaml`, `test.event`, and maybe `in.json` and `error`.
struct SuiteCase: CustomStringConvertible {
    /// `229Q`, or `JEF9/02` for a numbered sub-case.
    let id: String
    let folder: URL

    var description: String { id }
    var input: URL { folder.appendingPathComponent("in.yaml") }
    var isError: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("error").path) }
    var expectedEvents: String { (try? String(contentsOf: folder.appendingPathComponent("test.event"), encoding: .utf8)) ?? "" }
    var expectedJSON: String? { try? String(contentsOf: folder.appendingPathComponent("in.json"), encoding: .utf8) }

    /// Every case with an `in.yaml`, sorted by id.
    static func all(in root: URL = TestPaths.yamlTestSuite) throws -> [SuiteCase] {
        let manager = FileManager.default
        var cases: [SuiteCase] = []
        for name in try manager.contentsOfDirectory(atPath: root.path).sorted() {
            let folder = root.appendingPathComponent(name)
            if manager.fileExists(atPath: folder.appendingPathComponent("in.yaml").path) {
                cases.append(SuiteCase(id: name, folder: folder))
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for sub in try manager.contentsOfDirectory(atPath: folder.path).sorted() {
                let subFolder = folder.appendingPathComponent(sub)
                if manager.fileExists(atPath: subFolder.appendingPathComponent("in.yaml").path) {
                    cases.append(SuiteCase(id: "\(name)/\(sub)", folder: subFolder))
                }
            }
        }
        return cases
    }
}
