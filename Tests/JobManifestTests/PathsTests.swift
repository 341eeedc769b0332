@testable import JobManifest
import Testing

@Suite("Lexical paths")
struct PathsTests {
    @Test("a path already normal is given back as it is; any other is resolved", arguments: [
        ("/", "/"), ("/a/b.png", "/a/b.png"), ("/a/.b/...", "/a/.b/..."), ("/a/b..", "/a/b.."),
        ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/a//b", "/a/b"), ("/a/b/", "/a/b"), ("/.", "/"), ("/..", "/"),
        ("/a/..", "/"), ("//a", "/a"), ("/a/b/.", "/a/b"), ("/a/b/..", "/a"), ("/./a", "/a"),
    ])
    func normalForm(path: String, normal: String) {
        #expect(Paths.normalize(path) == normal)
        #expect(Paths.isNormal(path) == (path == normal), "only a path that normalizes to itself is taken as it is")
        #expect(Paths.isNormal(normal))
    }

    @Test("joined to a normal folder, a relative path with . and .. still resolves")
    func joined() {
        #expect(Paths.join("/work/shots", "frames/a.png") == "/work/shots/frames/a.png")
        #expect(Paths.join("/work/shots", "../frames/./a.png") == "/work/frames/a.png")
        #expect(Paths.join("/work/shots", "/abs//a.png") == "/abs/a.png")
    }
}
