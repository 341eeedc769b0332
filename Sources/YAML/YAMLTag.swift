/// A node's tag, as the source wrote it (after libyaml expanded handles such as `!!`).
public enum YAMLTag: Sendable, Hashable {
    /// No tag was written: plain scalars are resolved by the YAML 1.2 core schema.
    case none
    /// The non-specific tag `!`: a scalar is a string.
    case nonSpecific
    /// `tag:yaml.org,2002:str`.
    case str
    /// `tag:yaml.org,2002:int`.
    case int
    /// `tag:yaml.org,2002:float`.
    case float
    /// `tag:yaml.org,2002:bool`.
    case bool
    /// `tag:yaml.org,2002:null`.
    case null
    /// `tag:yaml.org,2002:seq`.
    case seq
    /// `tag:yaml.org,2002:map`.
    case map
    /// Any other tag, by its full name (`tag:yaml.org,2002:binary`, `!local`, ...).
    case other(Name)

    /// A custom tag's name, boxed so that a node's tag stays one word (most nodes have none).
    public final class Name: Sendable, Hashable, CustomStringConvertible {
        /// The full tag name.
        public let value: String
        /// Boxes a name.
        public init(_ value: String) { self.value = value }
        public static func == (lhs: Name, rhs: Name) -> Bool { lhs.value == rhs.value }
        public func hash(into hasher: inout Hasher) { hasher.combine(value) }
        public var description: String { value }
    }

    static let yamlPrefix = "tag:yaml.org,2002:"

    /// The tag for a full tag name as libyaml reports it; `nil` gives `.none`.
    init(name: String?) {
        guard let name else { self = .none; return }
        switch name {
        case "!": self = .nonSpecific
        case YAMLTag.yamlPrefix + "str": self = .str
        case YAMLTag.yamlPrefix + "int": self = .int
        case YAMLTag.yamlPrefix + "float": self = .float
        case YAMLTag.yamlPrefix + "bool": self = .bool
        case YAMLTag.yamlPrefix + "null": self = .null
        case YAMLTag.yamlPrefix + "seq": self = .seq
        case YAMLTag.yamlPrefix + "map": self = .map
        default: self = .other(Name(name))
        }
    }

    /// The full tag name (`tag:yaml.org,2002:str`, `!`, `!local`), or `nil` for `.none`.
    public var name: String? {
        switch self {
        case .none: nil
        case .nonSpecific: "!"
        case .str: YAMLTag.yamlPrefix + "str"
        case .int: YAMLTag.yamlPrefix + "int"
        case .float: YAMLTag.yamlPrefix + "float"
        case .bool: YAMLTag.yamlPrefix + "bool"
        case .null: YAMLTag.yamlPrefix + "null"
        case .seq: YAMLTag.yamlPrefix + "seq"
        case .map: YAMLTag.yamlPrefix + "map"
        case .other(let name): name.value
        }
    }

    /// The short form people write: `!!str`, `!local`, `!`.
    public var shortName: String? {
        guard let name else { return nil }
        if name.hasPrefix(YAMLTag.yamlPrefix) { return "!!" + name.dropFirst(YAMLTag.yamlPrefix.count) }
        return name
    }
}
