extension Node {
    /// A scalar node: its text as written (after unescaping and folding), its style, tag and mark.
    public struct Scalar: Sendable, Equatable {
        /// The text.
        public var value: String
        /// The explicit tag, `.none` when none was written.
        public var tag: YAMLTag
        /// How it was written.
        public var style: ScalarStyle
        /// Where it starts.
        public var mark: Mark

        /// Creates a scalar.
        public init(_ value: String, tag: YAMLTag = .none, style: ScalarStyle = .plain, mark: Mark) {
            self.value = value
            self.tag = tag
            self.style = style
            self.mark = mark
        }

        /// The value by the YAML 1.2 core schema: only untagged plain scalars are resolved to null, bool, int or
        /// float; quoted and block scalars, and `!`-tagged ones, are strings. Explicit `!!` tags are honoured
        /// (the composer has already rejected a tagged scalar whose text does not fit its tag).
        public var resolved: ScalarValue {
            switch tag {
            case .none:
                style == .plain ? CoreSchema.resolve(value) : .string(value)
            case .str, .nonSpecific, .other:
                .string(value)
            case .null:
                .null
            case .bool:
                CoreSchema.bool(value).map(ScalarValue.bool) ?? .string(value)
            case .int:
                CoreSchema.int(value) ?? .string(value)
            case .float:
                CoreSchema.float(value) ?? CoreSchema.int(value).map(\.asFloat) ?? .string(value)
            case .seq, .map:
                .string(value)
            }
        }
    }
}

/// A scalar's value as the core schema resolves it.
public enum ScalarValue: Sendable, Equatable {
    /// `null`, `~`, or nothing at all.
    case null
    /// `true` or `false` (any of the three spellings each).
    case bool(Bool)
    /// A decimal, `0x` hexadecimal or `0o` octal integer that fits in 64 bits.
    case int(Int)
    /// A floating-point number, `.inf`, `-.inf` or `.nan` (and an integer too large for 64 bits).
    case float(Double)
    /// Anything else.
    case string(String)

    /// A word for the kind, for messages.
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .float: "a number"
        case .string: "a string"
        }
    }

    var asFloat: ScalarValue {
        if case .int(let value) = self { .float(Double(value)) } else { self }
    }
}
