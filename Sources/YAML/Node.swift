/// A composed YAML node: a value (no classes, no references), each node carrying the mark where it starts.
///
/// Aliases are already expanded (their copies share storage) and `<<` merge keys already applied.
public enum Node: Sendable, Equatable {
    /// A scalar: text with its style and tag.
    case scalar(Scalar)
    /// A sequence of nodes.
    case sequence(Sequence)
    /// A mapping, keeping its keys in source order.
    case mapping(Mapping)

    /// Where the node starts.
    public var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(let sequence): sequence.mark
        case .mapping(let mapping): mapping.mark
        }
    }

    /// The node's tag, `.none` when none was written.
    public var tag: YAMLTag {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .sequence(let sequence): sequence.tag
        case .mapping(let mapping): mapping.tag
        }
    }

    /// The scalar, if this is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { scalar } else { nil }
    }

    /// The sequence, if this is one.
    public var sequence: Sequence? {
        if case .sequence(let sequence) = self { sequence } else { nil }
    }

    /// The mapping, if this is one.
    public var mapping: Mapping? {
        if case .mapping(let mapping) = self { mapping } else { nil }
    }

    /// Whether this is the merge key, a plain untagged `<<` (as a raw pair's key; a composed tree has none).
    public var isMergeKey: Bool { MappingBuilder.isMergeKey(self) }

    /// A word for the kind of node, for messages: `a string`, `a sequence`, `an integer`, ...
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar): scalar.resolved.kindDescription
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }
}
