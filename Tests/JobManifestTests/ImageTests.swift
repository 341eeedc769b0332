import JSON
import Foundation
import JobManifest
import Testing
import YAML

#if canImport(Glibc)
import Glibc
#endif

@Suite("Images: URLs, paths, files")
struct ImageTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]

    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func read(_ image: String, assets: String? = nil, in folder: URL) throws(ManifestError) -> Manifest {
        let assetsLine = assets.map { "assets: \($0)\n" } ?? ""
        let text = "version: 1\n\(assetsLine)shots:\n  - id: a\n    image: \(image)\n    prompt: p\n"
        return try ManifestReader().read(.text(text, name: "m.yaml"), name: "m.yaml", folder: folder.path)
    }

    private func message(_ image: String, assets: String? = nil, in folder: URL) -> String? {
        do {
            _ = try read(image, assets: assets, in: folder)
            return nil
        } catch {
            return error.diagnostics.first?.message
        }
    }

    @Test("a local file is read from the manifest's folder, hashed, and keyed by its bytes, not its path")
    func localFile() throws {
        let dir = try folder()
        try Data(Self.png).write(to: dir.appendingPathComponent("one.png"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data(Self.png).write(to: dir.appendingPathComponent("sub/two.png"))
        let one = try read("one.png", in: dir)
        let two = try read("sub/two.png", in: dir)
        guard case .media(.file(let image)) = one.jobs[0].body["image"] else {
            Issue.record("not a local image")
            return
        }
        #expect(image.path == dir.appendingPathComponent("one.png").path)
        #expect(image.mediaType == "image/png" && image.byteCount == Self.png.count)
        #expect(one.jobs[0].key == two.jobs[0].key)
        #expect(one.jobs[0].body.json(images: .digest).compact.contains("\"image\":\"sha256:\(image.sha256)\""))
    }

    @Test("JPEG and WebP are recognised by their bytes; anything else is refused whatever its name")
    func formats() throws {
        let dir = try folder()
        try Data([0xFF, 0xD8, 0xFF, 0xE0]).write(to: dir.appendingPathComponent("a.jpg"))
        try Data(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8L".utf8)).write(to: dir.appendingPathComponent("a.webp"))
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("fake.png"))
        #expect(message("a.jpg", in: dir) == nil)
        #expect(message("a.webp", in: dir) == nil)
        #expect(message("fake.png", in: dir)?.contains("not a PNG, JPEG or WebP") == true)
    }

    @Test("a file over 6 MiB is refused; exactly 6 MiB is fine")
    func sizeCap() throws {
        let dir = try folder()
        var bytes = Self.png + [UInt8](repeating: 0, count: 6 * 1024 * 1024 - Self.png.count)
        try Data(bytes).write(to: dir.appendingPathComponent("max.png"))
        bytes.append(0)
        try Data(bytes).write(to: dir.appendingPathComponent("big.png"))
        #expect(message("max.png", in: dir) == nil)
        #expect(message("big.png", in: dir)?.contains("at most 6 MiB") == true)
    }

    @Test("devices, FIFOs, directories and symlink loops are refused at once")
    func nonFiles() throws {
        let dir = try folder()
        #expect(message("/dev/zero", in: dir)?.contains("not a regular file") == true)
        #expect(mkfifo(dir.appendingPathComponent("fifo").path, 0o600) == 0)
        #expect(message("fifo", in: dir)?.contains("not a regular file") == true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("d.png"), withIntermediateDirectories: true)
        #expect(message("d.png", in: dir)?.contains("not a regular file") == true)
        #expect(symlink("loop-b", dir.appendingPathComponent("loop-a").path) == 0)
        #expect(symlink("loop-a", dir.appendingPathComponent("loop-b").path) == 0)
        #expect(message("loop-a", in: dir)?.contains("cannot be read") == true)
        #expect(message("missing.png", in: dir) == "image 'missing.png' not found in the manifest's folder")
    }

    @Test("https URLs are sent as written; http and other schemes are refused")
    func urls() throws {
        let dir = try folder()
        let manifest = try read("https://cdn.example.com/x/a.png?v=2", in: dir)
        #expect(manifest.jobs[0].body["image"] == .media(.url("https://cdn.example.com/x/a.png?v=2")))
        #expect(message("http://cdn.example.com/a.png", in: dir)?.contains("only https URLs are accepted") == true)
        #expect(message("ftp://cdn.example.com/a.png", in: dir)?.contains("neither an https URL nor a path") == true)
        #expect(message("https:///nohost.png", in: dir)?.contains("not a valid https URL") == true)
    }

    @Test("assets is a directory, with or without its trailing slash; relative paths join it")
    func assets() throws {
        let dir = try folder()
        for base in ["https://cdn.example.com/boards/ep01", "https://cdn.example.com/boards/ep01/"] {
            let manifest = try read("frames/001.webp", assets: base, in: dir)
            #expect(manifest.jobs[0].body["image"] == .media(.url("https://cdn.example.com/boards/ep01/frames/001.webp")))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("art"), withIntermediateDirectories: true)
        try Data(Self.png).write(to: dir.appendingPathComponent("art/a.png"))
        let local = try read("a.png", assets: "art", in: dir)
        guard case .media(.file(let image)) = local.jobs[0].body["image"] else {
            Issue.record("not a local image")
            return
        }
        #expect(image.path == dir.appendingPathComponent("art/a.png").path)
    }

    @Test("relative paths never depend on the working directory")
    func notWorkingDirectory() throws {
        let dir = try folder()
        try Data(Self.png).write(to: dir.appendingPathComponent("here.png"))
        let manifestURL = dir.appendingPathComponent("m.yaml")
        try Data("version: 1\nshots:\n  - {id: a, image: here.png, prompt: p}\n".utf8).write(to: manifestURL)
        // The tests run from the package root, which has no here.png: only the manifest's folder does.
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/here.png"))
        #expect(try ManifestReader().read(path: manifestURL.path).jobs.count == 1)
    }
}
