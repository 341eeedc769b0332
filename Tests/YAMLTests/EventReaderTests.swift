import Foundation
import Testing
import YAML

@Suite("Event reader")
struct EventReaderTests {
    private func events(_ text: String) throws -> [Event] {
        let reader = try EventReader(.text(text))
        var events: [Event] = []
        while let event = try reader.next() { events.append(event) }
        return events
    }

    @Test("events carry kinds, properties, styles and 1-based marks")
    func kindsAndMarks() throws {
        let events = try events("---\nkey: &a !!str 'v'\nlist: [*a, \"x\"]\n...\n")
        #expect(events.map(\.kind) == [
            .streamStart,
            .documentStart(explicit: true),
            .mappingStart(anchor: nil, tag: .none, style: .block),
            .scalar(value: "key", anchor: nil, tag: .none, style: .plain),
            .scalar(value: "v", anchor: "a", tag: .str, style: .singleQuoted),
            .scalar(value: "list", anchor: nil, tag: .none, style: .plain),
            .sequenceStart(anchor: nil, tag: .none, style: .flow),
            .alias(anchor: "a"),
            .scalar(value: "x", anchor: nil, tag: .none, style: .doubleQuoted),
            .sequenceEnd,
            .mappingEnd,
            .documentEnd(explicit: true),
            .streamEnd,
        ])
        #expect(events[3].start == Mark(line: 2, column: 1))
        #expect(events[4].start == Mark(line: 2, column: 6))
        #expect(events[7].start == Mark(line: 3, column: 8))
        #expect(events[8].end == Mark(line: 3, column: 15))
    }

    @Test("block scalars keep their style and text")
    func blockScalars() throws {
        let kinds = try events("a: |\n  one\n  two\nb: >\n  three\n  four\n").map(\.kind)
        #expect(kinds.contains(.scalar(value: "one\ntwo\n", anchor: nil, tag: .none, style: .literal)))
        #expect(kinds.contains(.scalar(value: "three four\n", anchor: nil, tag: .none, style: .folded)))
    }

    @Test("a syntax error carries libyaml's message, its place and its context")
    func syntaxError() throws {
        let reader = try EventReader(.text("a: b\n c: d\n"))
        var caught: YAMLError?
        do { while try reader.next() != nil {} } catch { caught = error }
        #expect(caught == .syntax(message: "mapping values are not allowed in this context", mark: Mark(line: 2, column: 3), context: nil, contextMark: nil))
        // The error sticks: asking again gives it again rather than garbage.
        #expect(throws: YAMLError.self) { try reader.next() }
    }

    @Test("a missing file, a directory and a FIFO are refused without hanging")
    func unreadableInputs() throws {
        let directory = try TestPaths.temporaryDirectory()
        #expect(throws: YAMLError.unreadable(path: directory.path, reason: "it is a directory")) {
            _ = try EventReader(.file(path: directory.path))
        }
        let missing = directory.appendingPathComponent("missing.yaml").path
        #expect(throws: YAMLError.unreadable(path: missing, reason: "No such file or directory")) {
            _ = try EventReader(.file(path: missing))
        }
        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifoForTest(fifo) == 0)
        #expect(throws: YAMLError.unreadable(path: fifo, reason: "it is not a regular file")) {
            _ = try EventReader(.file(path: fifo))
        }
    }
}
