extension Node {
    /// A sequence node.
    public struct Sequence: Sendable, Equatable {
        /// The items, in order.
        public var items: [Node]
        /// The explicit tag, `.none` when none was written.
        public var tag: YAMLTag
        /// Block or flow.
        public var style: CollectionStyle
        /// Where it starts.
        public var mark: Mark

        /// Creates a sequence.
        public init(_ items: [Node], tag: YAMLTag = .none, style: CollectionStyle = .block, mark: Mark) {
            self.items = items
            self.tag = tag
            self.style = style
            self.mark = mark
        }
    }
}
