import JobManifest
import Testing

@Suite("Shards")
struct ShardTests {
    @Test("the SHA-256 of the id, as a big-endian number, modulo N (values from Python's hashlib)", arguments: [
        ("opening", 5, 0), ("market/stalls~2", 5, 2), ("s1", 5, 2), ("opening", 7, 1), ("market/stalls~2", 7, 3), ("s1", 7, 2),
    ])
    func number(id: String, n: Int, expected: Int) {
        #expect(Shard.number(of: id, modulo: n) == expected)
    }

    @Test("shards 1..N split any set of ids into disjoint parts that cover it")
    func partition() throws {
        let ids = (0..<1_000).map { "scene\($0 % 7)/shot\($0)~\($0 % 3 + 1)" }
        let shards = (1...5).compactMap { Shard(index: $0, count: 5) }
        var sizes: [Int] = []
        for id in ids {
            #expect(shards.filter { $0.contains(id) }.count == 1)
        }
        for shard in shards { sizes.append(ids.filter(shard.contains).count) }
        #expect(sizes.allSatisfy { $0 > 150 && $0 < 250 })
    }

    @Test("for every N from 1 to 16, the shards of a manifest's jobs are disjoint and complete", arguments: 1...16)
    func disjointAndComplete(count: Int) {
        let ids = (0..<500).map { "scene\($0 % 9)/shot\($0)" + ($0 % 4 == 0 ? "~\($0 % 3 + 1)" : "") }
        let shards = (1...count).compactMap { Shard(index: $0, count: count) }
        #expect(shards.count == count)
        var owners: [String: Int] = [:]
        for shard in shards {
            for id in ids where shard.contains(id) { owners[id, default: 0] += 1 }
        }
        #expect(owners.count == ids.count)
        #expect(owners.values.allSatisfy { $0 == 1 })
    }

    @Test("I/N is read strictly")
    func parsing() {
        #expect(Shard("2/5") == Shard(index: 2, count: 5))
        for bad in ["0/5", "6/5", "1/0", "x/2", "1", "1/2/3", "-1/2"] { #expect(Shard(bad) == nil) }
        #expect(Shard(index: 3, count: 4)?.folderName == "shard-3-of-4")
    }
}
