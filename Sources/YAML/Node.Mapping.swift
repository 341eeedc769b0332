extension Node {
    /// A mapping node, its pairs in source order (merged pairs stand where their `<<` key stood).
    public struct Mapping: Sendable, Equatable {
        /// The pairs, in order. Keys are unique.
        public var pairs: [Pair]
        /// The explicit tag, `.none` when none was written.
        public var tag: YAMLTag
        /// Block or flow.
        public var style: CollectionStyle
        /// Where it starts.
        public var mark: Mark

        /// Creates a mapping.
        public init(_ pairs: [Pair], tag: YAMLTag = .none, style: CollectionStyle = .block, mark: Mark) {
            self.pairs = pairs
            self.tag = tag
            self.style = style
            self.mark = mark
        }

        /// The pair whose key is the string `key` (a scalar of that text, whatever its style), if any.
        public func pair(_ key: String) -> Pair? {
            pairs.first { $0.key.scalar?.value == key && $0.key.scalar?.isStringKey == true }
        }

        /// The value under the string `key`, if any.
        public subscript(key: String) -> Node? {
            pair(key)?.value
        }
    }

    /// One key and its value.
    public struct Pair: Sendable, Equatable {
        /// The key node.
        public var key: Node
        /// The value node.
        public var value: Node

        /// Creates a pair.
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }
}

extension Node.Scalar {
    /// Whether the scalar reads as a string key (so `1: x` is not found by `["1"]`, while `"1": x` is).
    var isStringKey: Bool {
        if case .string = resolved { true } else { false }
    }
}
