import Testing
import YAML

/// Inputs people should not write, or write by accident: each gets a clear error, never a crash or a hang.
@Suite("Hostile and unusual input")
struct HostileInputTests {
    private func load(_ bytes: [UInt8]) throws(YAMLError) -> Node? {
        try Loader().loadSingle(.bytes(bytes, name: "hostile.yaml"))
    }

    @Test("10,000-deep nesting is rejected at the depth limit")
    func deepNesting() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: YAMLError.tooDeep(limit: 256, mark: Mark(line: 1, column: 257))) { try load(Array(text.utf8)) }
        let block = (0..<10_000).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n") + "x\n"
        #expect(throws: YAMLError.self) { try load(Array(block.utf8)) }
    }

    @Test("invalid UTF-8 is an error at its place")
    func invalidUTF8() {
        #expect(throws: YAMLError.invalidInput(message: "invalid leading UTF-8 octet (byte 0xff)", mark: Mark(line: 2, column: 4))) {
            try load(Array("a: 1\nb: ".utf8) + [0xFF, 0x0A])
        }
    }

    @Test("a NUL byte is an error at its place")
    func nulByte() {
        #expect(throws: YAMLError.invalidInput(message: "control characters are not allowed (byte 0x0)", mark: Mark(line: 1, column: 5))) {
            try load(Array("a: b".utf8) + [0x00] + Array("c\n".utf8))
        }
    }

    @Test("a tab-indented block is a syntax error")
    func tabIndentation() {
        do {
            _ = try load(Array("shots:\n\t- id: a\n".utf8))
            Issue.record("accepted a tab-indented block")
        } catch {
            guard case .syntax(_, let mark, _, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(mark.line == 2)
        }
    }

    @Test("a byte-order mark and CRLF line endings are accepted")
    func bomAndCRLF() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("version: 1\r\nshots:\r\n  - id: a\r\n    prompt: |\r\n      two\r\n      lines\r\n".utf8)
        let root = try #require(try load(bytes))
        #expect(root.mapping?["version"]?.scalar?.resolved == .int(1))
        let shot = try #require(root.mapping?["shots"]?.sequence?.items.first?.mapping)
        #expect(shot["id"]?.scalar?.value == "a")
        #expect(shot["prompt"]?.scalar?.value == "two\nlines\n")
        #expect(shot["id"]?.mark == Mark(line: 3, column: 9))
    }

    @Test("a 50 MB scalar is read whole and intact")
    func hugeScalar() throws {
        let size = 50 * 1024 * 1024
        var bytes = Array("prompt: ".utf8)
        bytes.reserveCapacity(size + 16)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: size))
        bytes.append(0x0A)
        let root = try #require(try load(bytes))
        let value = try #require(root.mapping?["prompt"]?.scalar?.value)
        #expect(value.utf8.count == size)
        #expect(value.utf8.allSatisfy { $0 == UInt8(ascii: "a") })
    }

    @Test("unterminated constructs end in an error, not a hang", arguments: [
        "a: [1, 2", "a: {b: 1", "a: \"open", "a: 'open", "- [\n- {", "&a [*a]", "? [\n", "a: !<tag\n",
    ])
    func unterminated(text: String) {
        #expect(throws: YAMLError.self) { try load(Array(text.utf8)) }
    }
}
