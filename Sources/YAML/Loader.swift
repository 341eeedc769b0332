/// Composes YAML streams into `Node` trees: aliases expanded within a budget, merge keys applied, duplicate keys
/// and over-deep nesting rejected.
public struct Loader: Sendable {
    /// The limits that keep hostile documents cheap to reject.
    public struct Limits: Sendable, Equatable {
        /// Collections may nest this deep (aliases included); deeper is an error.
        public var maxDepth: Int
        /// Aliases may add at most this many times the nodes the document itself has...
        public var aliasFactor: Int
        /// ...or this many, whichever is larger.
        public var aliasFloor: Int

        /// Creates limits; the defaults are 256 levels, and 10x the document's nodes with a floor of 10,000.
        public init(maxDepth: Int = 256, aliasFactor: Int = 10, aliasFloor: Int = 10_000) {
            self.maxDepth = maxDepth
            self.aliasFactor = aliasFactor
            self.aliasFloor = aliasFloor
        }
    }

    /// The limits in force.
    public var limits: Limits
    /// Files at least this large are parsed on a second thread while the tree is composed (`Int.max`: never).
    public var pipelineThreshold: Int

    /// Creates a loader.
    public init(limits: Limits = Limits(), pipelineThreshold: Int = 1 << 20) {
        self.limits = limits
        self.pipelineThreshold = pipelineThreshold
    }

    /// A composer over the input: pipelined for a large file (once it is known to be a readable regular file).
    private func composer(_ input: Input, consumer: (any RootMappingConsumer)? = nil) throws(YAMLError) -> Composer {
        let reader = try EventReader(input)
        if case .file = input, reader.byteCount >= pipelineThreshold {
            return Composer(reader: .pipelined(PipelinedEventSource(input)), byteCount: reader.byteCount, limits: limits, consumer: consumer)
        }
        return Composer(reader: .direct(reader), byteCount: reader.byteCount, limits: limits, consumer: consumer)
    }

    /// Every document of the stream, in order (an empty stream gives none).
    public func loadAll(_ input: Input) throws(YAMLError) -> [Node] {
        var composer = try composer(input)
        var documents: [Node] = []
        while let document = try composer.nextDocument() {
            documents.append(document)
        }
        return documents
    }

    /// The stream's one document, or `nil` for an empty stream; a second document is an error. A `consumer`
    /// takes the root mapping's sequences item by item as they are composed (see `RootMappingConsumer`); what it
    /// saw counts only if this returns.
    public func loadSingle(_ input: Input, consumer: (any RootMappingConsumer)? = nil) throws(YAMLError) -> Node? {
        var composer = try composer(input, consumer: consumer)
        guard let document = try composer.nextDocument() else { return nil }
        if let extra = try composer.nextDocumentStart() {
            throw .unexpectedDocument(mark: extra)
        }
        return document
    }
}
