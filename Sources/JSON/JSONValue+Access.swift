/// Reading parts of a value without a `switch` at every step. Type-exact: an integer is not a string, `1.5` is
/// not an `int`, `true` is not 1 (only `number` reads an integer as a number too).
extension JSONValue {
    /// An object's first member of that name (nil for other values or a missing member).
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// The members of an object, in order.
    public var members: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array.
    public var elements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// A string's text.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// An integer (written without a fraction or exponent).
    public var int: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// A number, integer or not.
    public var double: Double? {
        switch self {
        case .int(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// A boolean.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Parses one value filling the whole of `bytes`.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(SyntaxError) in try parse(utf8: buffer) }
        }.get()
    }
}
