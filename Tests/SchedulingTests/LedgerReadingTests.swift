import Foundation
import Testing
@testable import ResultsLedger

#if canImport(Glibc)
import Glibc
#endif

@Suite("Ledger read in chunks")
struct LedgerReadingTests {
    private func lines(of text: String, chunkSize: Int) throws -> [(Int, String, Bool)] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-lines-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var seen: [(Int, String, Bool)] = []
        try LedgerLineParser.forEachLine(fd: fd, path: path, chunkSize: chunkSize) { number, line, torn in
            seen.append((number, String(decoding: line, as: UTF8.self), torn))
            return true
        }
        return seen
    }

    @Test("lines across chunk boundaries, longer than a chunk, empty, and a torn last one come out whole", arguments: [1, 3, 7, 64, 1 << 20])
    func chunkBoundaries(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 50)
        let text = "a\n\nbc\n" + long + "\ndéf\n\n" + "torn"
        let seen = try lines(of: text, chunkSize: chunkSize)
        #expect(seen.map(\.0) == [1, 3, 4, 5, 7])
        #expect(seen.map(\.1) == ["a", "bc", long, "déf", "torn"])
        #expect(seen.map(\.2) == [false, false, false, false, true])
        #expect(try lines(of: text + "\n", chunkSize: chunkSize).map(\.2).allSatisfy { !$0 })
        #expect(try lines(of: "", chunkSize: chunkSize).isEmpty)
    }

    @Test("the reader stops when asked")
    func stops() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-lines-\(UUID().uuidString)").path
        try "1\n2\n3\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var count = 0
        try LedgerLineParser.forEachLine(fd: fd, path: path, chunkSize: 1) { number, _, _ in
            count += 1
            return number < 2
        }
        #expect(count == 2)
    }
}
