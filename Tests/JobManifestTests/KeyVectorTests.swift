import Foundation
import JobManifest
import Testing
import YAML
import JSON

/// The key test vectors in `docs/manifest.md`, read from the document itself so docs and code cannot drift.
@Suite("Job key test vectors (docs/manifest.md)")
struct KeyVectorTests {
    struct Vector: CustomStringConvertible {
        let manifest: String
        let job: String
        let take: Int
        let body: String
        let key: String
        var description: String { job }
    }

    static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/manifest.md")

    /// Each ```yaml block of the key section followed by a ```text block of `job:`, `take:`, `body:`, `key:`.
    static var vectors: [Vector] {
        guard let text = try? String(contentsOf: documentURL, encoding: .utf8),
            let section = text.range(of: "## Request body and job key")
        else { return [] }
        let blocks = text[section.upperBound...].components(separatedBy: "```")
        var vectors: [Vector] = []
        var index = 1
        while index + 2 < blocks.count {
            let block = blocks[index]
            if block.hasPrefix("yaml\n"), blocks[index + 2].hasPrefix("text\n") {
                var fields: [String: String] = [:]
                for line in blocks[index + 2].dropFirst(5).split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    fields[String(line[..<colon])] = String(line[line.index(colon, offsetBy: 2)...])
                }
                if let job = fields["job"], let take = fields["take"].flatMap({ Int($0) }), let body = fields["body"], let key = fields["key"] {
                    vectors.append(Vector(manifest: String(block.dropFirst(5)), job: job, take: take, body: body, key: key))
                }
            }
            index += 2
        }
        return vectors
    }

    @Test("the document holds the vectors")
    func present() {
        #expect(Self.vectors.count >= 4)
    }

    @Test("each vector's manifest gives its job exactly that body and key", arguments: vectors)
    func vector(_ vector: Vector) throws {
        let images = Self.documentURL.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/JobManifestTests/Fixtures/images")
        let manifest = try ManifestReader().read(.text(vector.manifest, name: "vector.yaml"), name: "vector.yaml", folder: images.path)
        let job = try #require(manifest.jobs.first { $0.id == vector.job })
        #expect(job.take == vector.take)
        #expect(job.body.json(images: .digest).compact == vector.body)
        #expect(job.key.description == vector.key)
        #expect(JobKey(modelID: manifest.schema.modelID, canonicalBody: vector.body, take: vector.take).description == vector.key)
    }
}
