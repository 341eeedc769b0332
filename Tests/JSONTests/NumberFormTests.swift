import JSON
import Testing

@Suite("Numbers in ECMAScript's shortest form")
struct NumberFormTests {
    @Test("as Number::toString writes them", arguments: [
        (1.0, "1"), (0.5, "0.5"), (0.1, "0.1"), (-2.25, "-2.25"), (0.0, "0"), (-0.0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (1e-7, "1e-7"),
        (0.1 + 0.2, "0.30000000000000004"), (2.5e25, "2.5e+25"), (1234.5678, "1234.5678"),
    ])
    func form(_ value: Double, _ text: String) {
        #expect(JSONValue.format(value) == text)
        #expect(JSONValue.number(value).compact == text)
    }

    @Test("the form reads back as the same number")
    func roundTrip() throws {
        for value in [0.75, 1.0 / 3.0, 6.02214076e23, 5e-324, 1.7976931348623157e308, 0.007, 12.5] {
            #expect(Double(JSONValue.format(value)) == value)
        }
    }
}
