import Testing
import YAML

@Suite("Error rendering")
struct ErrorRenderingTests {
    @Test("errors render compiler style, with the source line and a caret")
    func rendersWithCaret() throws {
        let text = "version: 1\nshots:\n  - id: a\n    prompt: x\n   bad: y\n"
        let input = Input.text(text, name: "storyboard.yaml")
        do {
            _ = try Loader().loadSingle(input)
            Issue.record("accepted a broken document")
        } catch {
            let rendered = error.rendered(source: SourceText.load(input), name: input.name)
            #expect(rendered == """
                storyboard.yaml:5:4: error: did not find expected '-' indicator (while parsing a block collection at 3:3)
                   bad: y
                   ^
                """)
        }
    }

    @Test("the caret keeps tabs so it lines up under the column")
    func caretWithTabs() {
        let source = SourceText(name: "f.yaml", bytes: Array("a: \"x\tb\" c\n".utf8))
        #expect(source.render(.warning, at: Mark(line: 1, column: 8), "here") == "f.yaml:1:8: warning: here\na: \"x\tb\" c\n     \t ^")
    }

    @Test("a long line is shown as a window around the column")
    func longLine() {
        let line = String(repeating: "x", count: 1_000) + "!"
        let source = SourceText(name: "f.yaml", bytes: Array(line.utf8))
        let rendered = source.render(.error, at: Mark(line: 1, column: 1_001), "bang")
        let lines = rendered.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].count < 200)
        #expect(lines[1].hasPrefix("...") && lines[1].hasSuffix("!"))
        #expect(lines[2].last == "^" && lines[2].count == lines[1].count)
    }

    @Test("a file error has no place and says what went wrong")
    func unreadable() {
        let error = YAMLError.unreadable(path: "gone.yaml", reason: "No such file or directory")
        #expect(error.rendered(source: nil, name: "gone.yaml") == "gone.yaml: error: cannot read 'gone.yaml': No such file or directory")
    }

    @Test("marks of byte offsets count characters, not bytes")
    func markOfOffset() {
        let source = SourceText(name: "f", bytes: Array("a\nééx\n".utf8))
        #expect(source.mark(atByteOffset: 6) == Mark(line: 2, column: 3))
        #expect(source.line(2) == "ééx")
    }
}
