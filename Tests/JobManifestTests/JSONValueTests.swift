import JobManifest
import Testing

@Suite("JSON writer and reader")
struct JSONValueTests {
    @Test("compact text is canonical: sorted keys on request, minimal escaping, integers as integers")
    func compact() {
        let value = JSONValue.object([("b", .int(5)), ("a", .string("say \"hi\"\n/\u{1}é")), ("c", .array([.bool(true), .null, .number(0.25)]))])
        #expect(value.sortedKeys().compact == #"{"a":"say \"hi\"\n/\u0001é","b":5,"c":[true,null,0.25]}"#)
    }

    @Test("what the writer writes, the reader reads back, member order kept")
    func roundTrip() throws {
        let value = JSONValue.object([
            ("z", .string("tab\there")), ("a", .array([.int(-3), .number(1.5), .object([])])), ("m", .object([("k", .bool(false))])),
        ])
        #expect(try JSONValue.parse(value.compact) == value)
        #expect(try JSONValue.parse(value.pretty) == value)
    }

    @Test("malformed text is refused with where it stopped", arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "1 2", "\"open"])
    func malformed(text: String) {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(text) }
    }
}
