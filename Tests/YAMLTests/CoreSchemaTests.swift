import Testing
import YAML

@Suite("Core schema resolution")
struct CoreSchemaTests {
    private func resolve(_ text: String, tag: YAMLTag = .none, style: ScalarStyle = .plain) -> ScalarValue {
        Node.Scalar(text, tag: tag, style: style, mark: Mark(line: 1, column: 1)).resolved
    }

    @Test("plain scalars resolve by the YAML 1.2 core schema", arguments: [
        ("", ScalarValue.null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)), ("false", .bool(false)), ("FALSE", .bool(false)),
        ("0", .int(0)), ("-17", .int(-17)), ("+5", .int(5)), ("0x1F", .int(31)), ("0o17", .int(15)), ("007", .int(7)),
        ("1.5", .float(1.5)), ("-.5", .float(-0.5)), ("1e3", .float(1000)), ("2.", .float(2)), (".inf", .float(.infinity)),
        ("-.Inf", .float(-.infinity)), ("+.INF", .float(.infinity)),
    ])
    func resolves(text: String, expected: ScalarValue) {
        #expect(resolve(text) == expected)
    }

    @Test("YAML 1.1 forms and near misses stay strings", arguments: [
        "yes", "no", "on", "off", "y", "0b101", "1_000", "1:30", "0x", "0o8", "--1", "1e", ".", "nULL", "tRUE", "0xG", "12abc", ". inf",
    ])
    func staysString(text: String) {
        #expect(resolve(text) == .string(text))
    }

    @Test(".nan resolves to a NaN float")
    func nan() {
        guard case .float(let value) = resolve(".NaN") else {
            Issue.record("not a float")
            return
        }
        #expect(value.isNaN)
    }

    @Test("quoted and block scalars, and ! and !!str tags, are always strings")
    func quotedAreStrings() {
        #expect(resolve("123", style: .doubleQuoted) == .string("123"))
        #expect(resolve("true", style: .singleQuoted) == .string("true"))
        #expect(resolve("null", style: .literal) == .string("null"))
        #expect(resolve("42", tag: .nonSpecific) == .string("42"))
        #expect(resolve("42", tag: .str) == .string("42"))
    }

    @Test("explicit core tags give their type, quoted or not")
    func explicitTags() {
        #expect(resolve("42", tag: .int, style: .doubleQuoted) == .int(42))
        #expect(resolve("3", tag: .float) == .float(3))
        #expect(resolve("true", tag: .bool, style: .singleQuoted) == .bool(true))
        #expect(resolve("~", tag: .null) == .null)
    }

    @Test("an integer too large for 64 bits becomes a float")
    func hugeInteger() {
        #expect(resolve("99999999999999999999") == .float(1e20))
    }
}
