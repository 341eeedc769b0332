import JSON
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

    @Test("escapes, surrogate pairs and a lone surrogate are read as JSON says")
    func escapes() throws {
        #expect(try JSONValue.parse(#""a\"b\\c\/d\n\u00e9""#) == .string("a\"b\\c/d\né"))
        #expect(try JSONValue.parse(#""\ud83c\udfac take 2""#) == .string("🎬 take 2"))
        #expect(try JSONValue.parse(#""\ud83c x""#) == .string("\u{FFFD} x"))
        #expect(try JSONValue.parse(#""\ud83c\u0041""#) == .string("\u{FFFD}A"))
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(#""\u12""#) }
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(#""\uzzzz""#) }
    }

    @Test("integers stay integers up to Int's range; past it, and with a fraction or exponent, they are doubles")
    func numbers() throws {
        #expect(try JSONValue.parse("[0,-0,42,-17,123456789012345678,9223372036854775807,-9223372036854775808]") == .array([
            .int(0), .int(0), .int(42), .int(-17), .int(123_456_789_012_345_678), .int(Int.max), .int(Int.min),
        ]))
        #expect(try JSONValue.parse("[9223372036854775808,1.5,-2e3,0.56]") == .array([
            .number(9_223_372_036_854_775_808), .number(1.5), .number(-2000), .number(0.56),
        ]))
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse("-") }
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse("1.2.3") }
    }

    @Test("bytes read in place give what the text gives")
    func bytesInPlace() throws {
        let text = #"{"v":1,"t":"2026-11-26T00:00:00.000Z","event":"submitted","job":"s\u00e9","request_id":"r"}"#
        let bytes = Array(text.utf8)
        let value = try bytes.withUnsafeBufferPointer { buffer in try JSONValue.parse(utf8: buffer) }
        #expect(value == (try JSONValue.parse(text)))
        #expect(value.compact == #"{"v":1,"t":"2026-11-26T00:00:00.000Z","event":"submitted","job":"sé","request_id":"r"}"#)
    }

    @Test("an object whose last array is written an element at a time is the same text as the whole tree", arguments: [0, 1, 3])
    func streamedArray(count: Int) {
        let head: [(key: String, value: JSONValue)] = [("a", .int(1)), ("b", .object([("c", .array([.null]))]))]
        let items = (0..<count).map { JSONValue.object([("id", .string("j\($0)")), ("n", .int($0))]) }
        for indent in [nil, 2] as [Int?] {
            var out: [UInt8] = []
            JSONValue.writeObject(head, thenArray: "jobs", count: count, trailing: [("counts", .object([("done", .int(count))]))], indent: indent, to: &out) { items[$0] }
            let whole = JSONValue.object(head + [("jobs", .array(items)), ("counts", .object([("done", .int(count))]))])
            #expect(String(decoding: out, as: UTF8.self) == (indent == nil ? whole.compact : whole.pretty))
        }
    }

    @Test("flushed a MiB at a time, the pieces put together are the same text")
    func streamedArrayFlushed() {
        let items = (0..<20_000).map { JSONValue.object([("id", .string("job-\($0)")), ("note", .string(String(repeating: "x", count: 100)))]) }
        var pieces: [[UInt8]] = []
        var out: [UInt8] = []
        JSONValue.writeObject([("n", .int(items.count))], thenArray: "jobs", count: items.count, indent: 2, to: &out, flush: { buffer in
            pieces.append(buffer)
            buffer.removeAll()
        }) { items[$0] }
        pieces.append(out)
        #expect(pieces.count > 2)
        #expect(pieces.dropLast().allSatisfy { $0.count >= 1 << 20 })
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == JSONValue.object([("n", .int(items.count)), ("jobs", .array(items))]).pretty)
    }

    @Test("written on two threads, the elements come out in order, the same text as one thread writes", arguments: [0, 1, 1024, 1025, 2048, 2049, 5000])
    func streamedArrayInLanes(count: Int) {
        let items = (0..<count).map { JSONValue.object([("id", .string("job-\($0)")), ("note", .string("say \"\($0 % 7)\"\n"))]) }
        let trailing: [(key: String, value: JSONValue)] = [("counts", .object([("done", .int(count))]))]
        for indent in [nil, 2] as [Int?] {
            var pieces: [[UInt8]] = []
            var out: [UInt8] = []
            JSONValue.writeObjectInLanes([("n", .int(count))], thenArray: "jobs", count: count, trailing: trailing, indent: indent, to: &out, flush: { buffer in
                pieces.append(buffer)
                buffer.removeAll()
            }) { position, out in items[position].write(to: &out, indent: indent, level: 2) }
            pieces.append(out)
            let whole = JSONValue.object([("n", .int(count)), ("jobs", .array(items))] + trailing)
            #expect(String(decoding: pieces.joined(), as: UTF8.self) == (indent == nil ? whole.compact : whole.pretty))
        }
    }

    @Test("a string is escaped where any of its bytes needs it, whichever of eight places it falls in")
    func escapeEveryPlace() throws {
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}"] {
            for place in 0..<20 {
                let text = String(repeating: "a", count: place) + special + String(repeating: "é", count: 3)
                var out: [UInt8] = []
                JSONValue.writeString(text, to: &out)
                #expect(try JSONValue.parse(String(decoding: out, as: UTF8.self)) == .string(text))
                #expect(out.count > text.utf8.count + 2)
            }
        }
        var out: [UInt8] = []
        JSONValue.writeString("plain ~!#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}\u{7f}é", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"plain ~!#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}\u{7f}é\"")
    }
}
