import JSON
import Testing

@Suite("JSON read in place")
struct JSONSliceTests {
    private func withRoot<T>(_ text: String, _ body: (JSONSlice) throws -> T) throws -> T {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in try body(try JSONSlice(root: buffer)) }
    }

    @Test("an object's members come back in order, each value read only as asked")
    func members() throws {
        let text = #" {"v":1, "t":"2026-11-26T00:00:00.000Z","job":"s\u00e9","outputs":["a","b\n"],"cost":0.56,"final":true,"n":null,"o":{}} "#
        try withRoot(text) { root in
            let members = try #require(root.members)
            #expect(members.map(\.key) == ["v", "t", "job", "outputs", "cost", "final", "n", "o"])
            #expect(members[0].value.int == 1)
            #expect(members[1].value.string == "2026-11-26T00:00:00.000Z")
            #expect(members[2].value.string == "sé")
            #expect(members[3].value.elements?.compactMap(\.string) == ["a", "b\n"])
            #expect(members[4].value.number == .number(0.56))
            #expect(members[4].value.int == nil)
            #expect(members[5].value.bool == true)
            #expect(members[6].value.string == nil && members[6].value.bool == nil && members[6].value.number == nil)
            #expect(members[7].value.members?.isEmpty == true)
            #expect(members[3].value.members == nil && members[0].value.elements == nil)
            #expect(root.value == (try JSONValue.parse(text)))
        }
    }

    @Test("arrays of objects, nested and empty")
    func elements() throws {
        try withRoot(#"[{"id":"a","key":"v1:00","duration":5},{"id":"b","sound":false},[],[[1]]]"#) { root in
            let items = try #require(root.elements)
            #expect(items.count == 4)
            #expect(items[0].members?.map(\.key) == ["id", "key", "duration"])
            #expect(items[0].members?[2].value.int == 5)
            #expect(items[1].members?[1].value.bool == false)
            #expect(items[2].elements?.isEmpty == true)
            #expect(items[3].elements?.first?.elements?.first?.int == 1)
        }
    }

    @Test("the root is checked whole: what the full reader refuses, it refuses", arguments: [
        "", "{", #"{"a":tru}"#, #"{"a":1,}"#, #"{"a" 1}"#, "[1 2]", #"{"a":"\u12"}"#, #"{"a":"open}"#, "1.2.3", "{} x",
        String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
    ])
    func refused(text: String) {
        #expect(throws: JSONValue.SyntaxError.self) { try self.withRoot(text) { _ in () } }
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(text) }
    }

    @Test("strings are scanned eight bytes at a time: a quote or backslash at any offset is still found")
    func escapesAtEveryOffset() throws {
        for position in 0..<20 {
            for special in ["\"", "\\", "\n", "é"] {
                let text = String(repeating: "a", count: position) + special + String(repeating: "b", count: 19 - position)
                let json = JSONValue.object([("k", .string(text)), ("after", .int(position))]).compact
                #expect(try JSONValue.parse(json) == .object([("k", .string(text)), ("after", .int(position))]))
                let bytes = Array(json.utf8)
                let members = try bytes.withUnsafeBufferPointer { buffer in
                    try JSONSlice.rootMembers(buffer).map { ($0.key, $0.value.string, $0.value.int) }
                }
                #expect(members.map(\.0) == ["k", "after"])
                #expect(members.first?.1 == text)
                #expect(members.last?.2 == position)
            }
        }
    }

    @Test("numbers the reader accepts (a leading + or .) are read by a slice as the full reader reads them")
    func lenientNumbers() throws {
        let text = #"{"a":+5,"b":.5,"c":-2e1}"#
        let bytes = Array(text.utf8)
        let numbers = try bytes.withUnsafeBufferPointer { buffer in try JSONSlice.rootMembers(buffer).map(\.value.number) }
        #expect(numbers == [.int(5), .number(0.5), .number(-20)])
        #expect(try JSONValue.parse(text) == .object([("a", .int(5)), ("b", .number(0.5)), ("c", .number(-20))]))
    }
}
