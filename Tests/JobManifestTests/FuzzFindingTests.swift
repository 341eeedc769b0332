import Foundation
import JobManifest
import Testing
import YAML

/// Inputs `make fuzz` found, kept in Fixtures/fuzz so that what they showed stays true.
@Suite("Fuzz findings")
struct FuzzFindingTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    @Test("a scene id with dots inside (har...r) is a valid id, and its job id stays inside the run folder")
    func sceneIDWithDots() throws {
        let path = Self.folder.appendingPathComponent("scene-id-with-dots.yaml").path
        let manifest = try ManifestReader().read(path: path)
        #expect(manifest.jobs.map(\.id) == ["a", "market/a", "har...r/a"])
        for job in manifest.jobs {
            let parts = job.id.split(separator: "/")
            #expect(parts.allSatisfy { $0 != "." && $0 != ".." && $0.first?.isLetter == true || $0.first?.isNumber == true })
        }
        // Both reading modes agree, as the fuzz target checks.
        let counted = try ManifestReader(mode: .summary).read(path: path)
        #expect(counted.jobCount == manifest.jobCount)
    }
}
