/// Everything that can go wrong reading YAML: libyaml's reader, scanner and parser errors, and the
/// composer's own (aliases, depth, duplicate keys, merge keys, tagged values).
public enum YAMLError: Error, Sendable, Equatable {
    /// The input could not be opened or read (no mark: nothing was parsed).
    case unreadable(path: String, reason: String)
    /// The bytes are not valid input: invalid UTF-8, control characters, NUL bytes.
    case invalidInput(message: String, mark: Mark)
    /// libyaml's scanner or parser rejected the text; `context` says what it was reading, started at `contextMark`.
    case syntax(message: String, mark: Mark, context: String?, contextMark: Mark?)
    /// An alias names an anchor not defined before it.
    case undefinedAlias(anchor: String, mark: Mark)
    /// Expanding aliases would add more nodes than the document's budget allows.
    case aliasBudgetExceeded(anchor: String, limit: Int, mark: Mark)
    /// Collections nest deeper than the limit (aliases included).
    case tooDeep(limit: Int, mark: Mark)
    /// A mapping holds the same key twice.
    case duplicateKey(key: String, mark: Mark, first: Mark)
    /// A `<<` merge key whose value is not a mapping or a sequence of mappings.
    case invalidMerge(mark: Mark)
    /// A scalar whose explicit tag (`!!int`, `!!bool`, ...) does not fit its text.
    case invalidTaggedScalar(tag: String, value: String, mark: Mark)
    /// One document was expected and the stream holds another.
    case unexpectedDocument(mark: Mark)

    /// Where the problem is, when it has a place.
    public var mark: Mark? {
        switch self {
        case .unreadable: nil
        case .invalidInput(_, let mark), .syntax(_, let mark, _, _), .undefinedAlias(_, let mark),
            .aliasBudgetExceeded(_, _, let mark), .tooDeep(_, let mark), .duplicateKey(_, let mark, _),
            .invalidMerge(let mark), .invalidTaggedScalar(_, _, let mark), .unexpectedDocument(let mark):
            mark
        }
    }

    /// A bounded code, the same for every instance of a kind (for ledgers, metrics and tests).
    public var code: String {
        switch self {
        case .unreadable: "yaml.unreadable"
        case .invalidInput: "yaml.invalid_input"
        case .syntax: "yaml.syntax"
        case .undefinedAlias: "yaml.undefined_alias"
        case .aliasBudgetExceeded: "yaml.alias_budget"
        case .tooDeep: "yaml.too_deep"
        case .duplicateKey: "yaml.duplicate_key"
        case .invalidMerge: "yaml.invalid_merge"
        case .invalidTaggedScalar: "yaml.invalid_tagged_scalar"
        case .unexpectedDocument: "yaml.unexpected_document"
        }
    }

    /// The message, without the location.
    public var message: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read '\(path)': \(reason)"
        case .invalidInput(let message, _):
            message
        case .syntax(let message, _, let context, let contextMark):
            if let context, let contextMark {
                "\(message) (\(context) at \(contextMark))"
            } else {
                message
            }
        case .undefinedAlias(let anchor, _):
            "alias '*\(anchor)' refers to no anchor defined before it"
        case .aliasBudgetExceeded(let anchor, let limit, _):
            "expanding alias '*\(anchor)' goes past the limit of \(limit) nodes added by aliases "
                + "(10 times the document's own nodes; is this an alias bomb?)"
        case .tooDeep(let limit, _):
            "collections nest deeper than \(limit) levels"
        case .duplicateKey(let key, _, let first):
            "duplicate key '\(key)' in a mapping (first at \(first))"
        case .invalidMerge:
            "the value of a '<<' merge key must be a mapping or a sequence of mappings"
        case .invalidTaggedScalar(let tag, let value, _):
            "'\(value.prefix(80))' is not a valid \(tag)"
        case .unexpectedDocument:
            "expected a single YAML document, found another one here"
        }
    }
}

extension YAMLError: CustomStringConvertible {
    /// `line:column: message`, or the bare message when there is no place.
    public var description: String {
        if let mark { "\(mark): \(message)" } else { message }
    }
}
