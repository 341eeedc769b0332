import Testing
import YAML

/// Records what the composer hands over, taking the sequences under the keys it is told to.
private final class Recorder: RootMappingConsumer {
    let takes: Set<String>
    var offered: [(key: String, before: [String])] = []
    var items: [Node] = []
    var ends = 0
    var rawKeys: [String] = []

    init(takes: Set<String>) { self.takes = takes }

    func startsItems(key: Node, after pairs: ArraySlice<Node.Pair>) -> Bool {
        let name = key.scalar?.value ?? "?"
        offered.append((name, pairs.map { $0.key.scalar?.value ?? "?" }))
        return takes.contains(name)
    }

    func item(_ node: consuming Node) { items.append(node) }
    func endItems() { ends += 1 }
    func rootEnded(_ pairs: ArraySlice<Node.Pair>) { rawKeys = pairs.map { $0.key.scalar?.value ?? "?" } }
}

@Suite("Loader: a root mapping's sequences handed over item by item")
struct RootMappingConsumerTests {
    private func load(_ text: String, _ recorder: Recorder, limits: Loader.Limits = Loader.Limits()) throws(YAMLError) -> Node? {
        try Loader(limits: limits).loadSingle(.text(text), consumer: recorder)
    }

    @Test("the items of a taken sequence arrive in order and the tree keeps an empty sequence in their place")
    func itemsInOrder() throws {
        let recorder = Recorder(takes: ["shots"])
        let root = try load("version: 1\nshots:\n  - {id: a}\n  - {id: b}\n  - c\nother: [x, y]\n", recorder)
        #expect(recorder.offered.map(\.key) == ["shots", "other"])
        #expect(recorder.offered.first?.before == ["version"])
        #expect(recorder.items.map { $0.mapping?["id"]?.scalar?.value ?? $0.scalar?.value } == ["a", "b", "c"])
        #expect(recorder.ends == 1)
        #expect(recorder.rawKeys == ["version", "shots", "other"])
        let shots = try #require(root?.mapping?["shots"]?.sequence)
        #expect(shots.items.isEmpty)
        #expect(shots.mark == Mark(line: 3, column: 3))
        // A sequence not taken stays in the tree.
        #expect(root?.mapping?["other"]?.sequence?.items.count == 2)
    }

    @Test("only the root mapping's own sequences are offered, never an anchored one or a nested one")
    func whatIsOffered() throws {
        let recorder = Recorder(takes: ["shots", "kept"])
        let root = try load("kept: &k [1, 2]\nagain: *k\nnested: {shots: [1]}\nshots: [{a: 1}]\nscalar: 3\n", recorder)
        #expect(recorder.offered.map(\.key) == ["shots"])
        #expect(root?.mapping?["kept"]?.sequence?.items.count == 2)
        #expect(root?.mapping?["again"]?.sequence?.items.count == 2)
        #expect(root?.mapping?["nested"]?.mapping?["shots"]?.sequence?.items.count == 1)
        // A root that is not a mapping offers nothing.
        let other = Recorder(takes: ["shots"])
        _ = try load("- 1\n- 2\n", other)
        #expect(other.offered.isEmpty && other.rawKeys.isEmpty)
    }

    @Test("anchors written in a handed-over item can be used after it")
    func anchorsSurvive() throws {
        let recorder = Recorder(takes: ["shots"])
        let root = try load("shots:\n  - &first {id: a, look: dark}\n  - *first\nafter: *first\n", recorder)
        #expect(recorder.items.count == 2)
        #expect(recorder.items[0] == recorder.items[1])
        #expect(root?.mapping?["after"]?.mapping?["look"]?.scalar?.value == "dark")
    }

    @Test("merge keys are seen as written; a duplicate key after a taken sequence still fails the load")
    func keysStillChecked() throws {
        let recorder = Recorder(takes: ["shots"])
        let root = try load("base: &b {x: 1}\nshots: [1]\n<<: *b\n", recorder)
        #expect(recorder.rawKeys == ["base", "shots", "<<"])
        #expect(root?.mapping?["x"]?.scalar?.value == "1")
        #expect(throws: YAMLError.duplicateKey(key: "shots", mark: Mark(line: 2, column: 1), first: Mark(line: 1, column: 1))) {
            try load("shots: [1]\nshots: [2]\n", Recorder(takes: ["shots"]))
        }
    }

    @Test("the limits count handed-over items as if they stayed in the tree")
    func limitsCount() throws {
        let limits = Loader.Limits(maxDepth: 3, aliasFactor: 1, aliasFloor: 4)
        var aliases = "a: &a [1, 2, 3, 4, 5]\nshots:\n"
        for _ in 0..<4 { aliases += "  - *a\n" }
        for text in ["shots: [[[[1]]]]\n", aliases] {
            let plain = Self.error { () throws(YAMLError) in _ = try Loader(limits: limits).loadSingle(.text(text)) }
            let streamed = Self.error { () throws(YAMLError) in _ = try load(text, Recorder(takes: ["shots"]), limits: limits) }
            #expect(plain != nil)
            #expect(streamed == plain)
        }
    }

    private static func error(_ body: () throws(YAMLError) -> Void) -> YAMLError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
