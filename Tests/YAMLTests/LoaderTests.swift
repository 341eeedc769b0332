import Foundation
import Testing
import YAML

@Suite("Loader: composing trees")
struct LoaderTests {
    private func load(_ text: String, limits: Loader.Limits = Loader.Limits()) throws(YAMLError) -> Node? {
        try Loader(limits: limits).loadSingle(.text(text))
    }

    private func keys(_ node: Node?) -> [String] {
        node?.mapping?.pairs.compactMap { $0.key.scalar?.value } ?? []
    }

    @Test("a mapping keeps key order and every node its mark")
    func orderAndMarks() throws {
        let root = try #require(try load("zeta: 1\nalpha:\n  - x\n  - {k: v}\n"))
        #expect(keys(root) == ["zeta", "alpha"])
        let alpha = try #require(root.mapping?["alpha"]?.sequence)
        #expect(alpha.mark == Mark(line: 3, column: 3))
        #expect(alpha.items[1].mapping?["k"]?.mark == Mark(line: 4, column: 9))
        #expect(root.mapping?["zeta"]?.scalar?.resolved == .int(1))
    }

    @Test("aliases copy the anchored node, marks and all")
    func aliases() throws {
        let root = try #require(try load("base: &b {x: 1}\ncopy: *b\n"))
        #expect(root.mapping?["copy"] == root.mapping?["base"])
    }

    @Test("an alias to an undefined anchor is an error at the alias")
    func undefinedAlias() {
        #expect(throws: YAMLError.undefinedAlias(anchor: "nope", mark: Mark(line: 1, column: 4))) {
            try load("a: *nope\n")
        }
    }

    @Test("merge keys: a mapping, or a sequence of them; explicit keys win, earlier sources win")
    func mergeKeys() throws {
        let root = try #require(try load("""
            one: &one {a: 1, b: 1}
            two: &two {b: 2, c: 2}
            m:
              x: 0
              <<: [*one, *two]
              a: 9
            """))
        let merged = try #require(root.mapping?["m"]?.mapping)
        #expect(keys(.mapping(merged)) == ["x", "b", "c", "a"])
        #expect(merged["a"]?.scalar?.value == "9")
        #expect(merged["b"]?.scalar?.value == "1")
        #expect(merged["c"]?.scalar?.value == "2")
        #expect(merged["<<"] == nil)
    }

    @Test("a quoted '<<' is an ordinary key")
    func quotedMergeKeyIsPlain() throws {
        let root = try #require(try load("\"<<\": {a: 1}\n"))
        #expect(keys(root) == ["<<"])
    }

    @Test("a merge key with a scalar, or a sequence holding a scalar, is an error")
    func invalidMerge() {
        #expect(throws: YAMLError.invalidMerge(mark: Mark(line: 1, column: 5))) { try load("<<: 3\n") }
        #expect(throws: YAMLError.invalidMerge(mark: Mark(line: 1, column: 14))) { try load("<<: [{a: 1}, 2]\n") }
    }

    @Test("duplicate keys are an error naming both places, comparing values not spellings")
    func duplicateKeys() {
        #expect(throws: YAMLError.duplicateKey(key: "prompt", mark: Mark(line: 3, column: 1), first: Mark(line: 1, column: 1))) {
            try load("prompt: a\nid: x\nprompt: b\n")
        }
        #expect(throws: YAMLError.duplicateKey(key: "0x1", mark: Mark(line: 1, column: 8), first: Mark(line: 1, column: 2))) {
            try load("{1: a, 0x1: b}\n")
        }
        // "1" (a string) and 1 (an integer) are different keys.
        #expect(throws: Never.self) { try load("{\"1\": a, 1: b}\n") }
    }

    @Test("two '<<' keys in one mapping are duplicates")
    func duplicateMergeKeys() {
        #expect(throws: YAMLError.self) { try load("<<: {a: 1}\n<<: {b: 2}\n") }
    }

    @Test("a billion-laughs alias bomb is rejected")
    func aliasBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        do {
            _ = try load(text)
            Issue.record("the alias bomb was accepted")
        } catch {
            guard case .aliasBudgetExceeded = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(error.message.contains("alias bomb"))
        }
    }

    @Test("aliases may add up to 10x the document's own nodes; a large document using them fully is fine")
    func aliasBudgetScalesWithDocument() throws {
        // 2,000 shots each merging a 4-key base: own nodes ~ 2,000 x 7, added ~ 2,000 x 9 (well inside 10x).
        var text = "base: &base {duration: 5, sound: false, shot_type: customize, model: m}\nshots:\n"
        for index in 0..<2_000 { text += "  - {<<: *base, id: s\(index), prompt: p}\n" }
        let root = try #require(try load(text))
        let shots = try #require(root.mapping?["shots"]?.sequence?.items)
        #expect(shots.count == 2_000)
        #expect(shots[1999].mapping?["duration"]?.scalar?.resolved == .int(5))
        // The same aliases over a budget of 1x are refused: the budget is relative to the document.
        #expect(throws: YAMLError.self) {
            try load(text, limits: Loader.Limits(aliasFactor: 1, aliasFloor: 100))
        }
    }

    @Test("collections nesting deeper than the limit are an error; at the limit they are fine")
    func depthLimit() throws {
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try load(ok) != nil)
        let deep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(throws: YAMLError.tooDeep(limit: 256, mark: Mark(line: 1, column: 257))) { try load(deep) }
    }

    @Test("an alias cannot smuggle nesting past the limit")
    func depthThroughAliases() {
        let anchored = "a: &a " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n"
        let text = anchored + "b: " + String(repeating: "[", count: 100) + "*a" + String(repeating: "]", count: 100) + "\n"
        #expect(throws: YAMLError.self) { try load(text) }
    }

    @Test("an explicit tag that does not fit its text is an error")
    func badTaggedScalar() {
        #expect(throws: YAMLError.invalidTaggedScalar(tag: "!!int", value: "abc", mark: Mark(line: 1, column: 4))) {
            try load("a: !!int abc\n")
        }
        #expect(throws: YAMLError.self) { try load("a: !!bool yes\n") }
    }

    @Test("loadSingle refuses a second document; loadAll returns each")
    func documents() throws {
        #expect(throws: YAMLError.unexpectedDocument(mark: Mark(line: 2, column: 1))) { try load("a: 1\n---\nb: 2\n") }
        #expect(try Loader().loadAll(.text("a: 1\n---\nb: 2\n")).count == 2)
        #expect(try load("") == nil)
        #expect(try load("# just a comment\n") == nil)
    }
}

@Suite("Loader: parsing on a second thread")
struct PipelinedLoaderTests {
    private func file(_ text: String) throws -> String {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("doc.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let pipelined = Loader(pipelineThreshold: 0)
    private let direct = Loader(pipelineThreshold: .max)

    @Test("the pipelined loader builds the same tree as the direct one, across many batches")
    func sameTree() throws {
        var text = "base: &b {x: 1, y: [a, b]}\nshots:\n"
        for index in 0..<20_000 { text += "  - {<<: *b, id: s\(index), prompt: \"p \(index)\"}\n" }
        let path = try file(text)
        let a = try pipelined.loadSingle(.file(path: path))
        let b = try direct.loadSingle(.file(path: path))
        #expect(a == b)
        #expect(a?.mapping?["shots"]?.sequence?.items.count == 20_000)
    }

    @Test("a syntax error far into the file surfaces the same way")
    func lateSyntaxError() throws {
        var text = "shots:\n"
        for index in 0..<10_000 { text += "  - id: s\(index)\n" }
        text += "  - [unclosed\n"
        let path = try file(text)
        var errors: [YAMLError] = []
        for loader in [pipelined, direct] {
            do {
                _ = try loader.loadSingle(.file(path: path))
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.count == 2)
        #expect(errors.first == errors.last)
    }

    @Test("a composer error at the start stops the reading thread; nothing hangs")
    func earlyStop() throws {
        var text = "a: 1\na: 2\nrest:\n"
        for index in 0..<50_000 { text += "  - \(index)\n" }
        let path = try file(text)
        for _ in 0..<20 {
            #expect(throws: YAMLError.duplicateKey(key: "a", mark: Mark(line: 2, column: 1), first: Mark(line: 1, column: 1))) {
                try pipelined.loadSingle(.file(path: path))
            }
        }
    }
}
