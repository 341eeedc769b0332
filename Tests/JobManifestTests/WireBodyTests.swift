import Foundation
import JSON
import JobManifest
import Testing
import YAML

/// The body sent to the API is encoded once, straight to bytes; it is the same JSON as the tree form with each
/// local file as its data URI.
@Suite("The body on the wire")
struct WireBodyTests {
    @Test("wire bytes equal the tree's compact JSON: local files, lists of files, segments, floats, strings with escapes")
    func sameAsTree() throws {
        let folder = try CatalogModelTests.mediaFolder()
        let text = """
            version: 1
            shots:
              - id: a
                model: acme/motion-1/image-to-video
                prompt: "Quote \\" and tab \\t and é"
                start_frame: a.png
                guidance: 1.25
                references: [a.png, "https://example.com/r.png"]
              - id: seed
                image: b.png
                end_image: a.png
                prompt: Dawn.
                multi_prompt:
                  - {prompt: One., duration: 4}
                  - {prompt: Two.}
            """
        let manifest = try ManifestReader(models: CatalogModelTests.registry).read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder.path)
        #expect(manifest.jobs.count == 2)
        for job in manifest.jobs {
            let encode = { (file: LocalMedia) in "data:\(file.mediaType);base64,\(file.sha256)" }
            let tree = try job.body.json(encodingImages: encode).compactBytes
            let wire = try job.body.wireJSON { file, out in out.append(contentsOf: encode(file).utf8) }
            #expect(wire == tree, "\(String(decoding: wire, as: UTF8.self))")
            #expect(String(decoding: wire, as: UTF8.self).contains("data:image/png;base64,"))
        }
    }
}
