/// One parse event, as libyaml produces it, with where it starts and ends in the source.
public struct Event: Sendable, Equatable {
    /// What the event is.
    public var kind: Kind
    /// Where the event starts (1-based).
    public var start: Mark
    /// Where the event ends (1-based).
    public var end: Mark

    /// Creates an event.
    public init(_ kind: Kind, start: Mark, end: Mark) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// The kinds of event in a YAML stream.
    public enum Kind: Sendable, Equatable {
        /// The stream begins.
        case streamStart
        /// The stream ends.
        case streamEnd
        /// A document begins; `explicit` when `---` was written.
        case documentStart(explicit: Bool)
        /// A document ends; `explicit` when `...` was written.
        case documentEnd(explicit: Bool)
        /// A sequence begins.
        case sequenceStart(anchor: String?, tag: YAMLTag, style: CollectionStyle)
        /// The innermost open sequence ends.
        case sequenceEnd
        /// A mapping begins.
        case mappingStart(anchor: String?, tag: YAMLTag, style: CollectionStyle)
        /// The innermost open mapping ends.
        case mappingEnd
        /// A scalar, its text as written after unescaping and folding.
        case scalar(value: String, anchor: String?, tag: YAMLTag, style: ScalarStyle)
        /// A reference to an earlier anchor.
        case alias(anchor: String)
    }
}

/// How a scalar was written.
public enum ScalarStyle: UInt8, Sendable, Hashable {
    /// Unquoted: the only style the core schema resolves to null, bool, int or float.
    case plain
    /// `'single quoted'`.
    case singleQuoted
    /// `"double quoted"`.
    case doubleQuoted
    /// A `|` block.
    case literal
    /// A `>` block.
    case folded
}

/// How a sequence or mapping was written.
public enum CollectionStyle: UInt8, Sendable, Hashable {
    /// Indentation-based.
    case block
    /// `[a, b]` or `{a: b}`.
    case flow
}
