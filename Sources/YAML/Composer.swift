/// Where the composer's events come from: read on this thread, or on a second one.
enum EventStream {
    case direct(EventReader)
    case pipelined(PipelinedEventSource)

    func next() throws(YAMLError) -> Event? {
        switch self {
        case .direct(let reader): try reader.next()
        case .pipelined(let source): try source.next()
        }
    }
}

/// Builds nodes from events for one stream. Internal: `Loader` is the public face.
struct Composer {
    /// A composed node with what the limits need to know of it.
    private struct Composed {
        var node: Node
        /// Nodes in the subtree, aliases counted at their expanded size.
        var count: Int
        /// Collection levels in the subtree (a scalar has 0).
        var height: Int
    }

    private let reader: EventStream
    private let limits: Loader.Limits
    private var anchors: [String: Composed] = [:]
    /// Nodes the document itself spells out.
    private var ownNodes = 0
    /// Nodes aliases added.
    private var addedNodes = 0
    /// Aliases that took the added count past the floor, to name the culprit once the document's size is known.
    private var aliasLog: [(added: Int, anchor: String, mark: Mark)] = []
    /// Past this, no document of this input's size could stay within budget: stop at once.
    private let earlyCap: Int
    private var started = false
    /// Items and pairs of the collections being composed, kept on one stack so that each finished collection
    /// is copied out at its exact size (no growth slack left in millions of small arrays).
    private var itemStack: [Node] = []
    private var pairStack: [Node.Pair] = []
    /// Who takes the root mapping's sequences item by item, if anyone.
    private let consumer: (any RootMappingConsumer)?

    init(reader: EventStream, byteCount: Int, limits: Loader.Limits, consumer: (any RootMappingConsumer)? = nil) {
        self.reader = reader
        self.limits = limits
        self.consumer = consumer
        // A node takes at least one byte of input, give or take separators: 2 bytes per node bounds it safely.
        earlyCap = max(limits.aliasFloor, limits.aliasFactor &* (2 &* byteCount &+ 16))
    }

    /// Composes the next document, or returns `nil` at the stream's end.
    mutating func nextDocument() throws(YAMLError) -> Node? {
        guard try nextDocumentStart() != nil else { return nil }
        anchors.removeAll(keepingCapacity: true)
        ownNodes = 0
        addedNodes = 0
        aliasLog.removeAll()
        let root = try compose(try required(), depth: 0)
        guard case .documentEnd = try required().kind else {
            throw .syntax(message: "expected the end of the document", mark: root.node.mark, context: nil, contextMark: nil)
        }
        try checkFinalBudget()
        return root.node
    }

    /// Reads up to the next document's start and returns its mark, or `nil` at the stream's end.
    mutating func nextDocumentStart() throws(YAMLError) -> Mark? {
        while let event = try reader.next() {
            switch event.kind {
            case .streamStart: started = true
            case .documentStart: return event.start
            case .streamEnd: return nil
            default:
                throw .syntax(message: "unexpected event outside a document", mark: event.start, context: nil, contextMark: nil)
            }
        }
        return nil
    }

    private mutating func required() throws(YAMLError) -> Event {
        guard let event = try reader.next() else {
            throw .syntax(message: "unexpected end of the stream", mark: Mark(line: 1, column: 1), context: nil, contextMark: nil)
        }
        return event
    }

    /// Composes the node `event` starts. A sequence whose items go to `handing` (a root-level one its consumer
    /// took) hands each over as soon as it is composed and is left empty; the limits count them all the same.
    private mutating func compose(_ event: Event, depth: Int, handing: (any RootMappingConsumer)? = nil) throws(YAMLError) -> Composed {
        switch event.kind {
        case .scalar(let value, let anchor, let tag, let style):
            ownNodes &+= 1
            let scalar = Node.Scalar(value, tag: tag, style: style, mark: event.start)
            try Self.checkTagged(scalar)
            return remember(Composed(node: .scalar(scalar), count: 1, height: 0), as: anchor)

        case .sequenceStart(let anchor, let tag, let style):
            ownNodes &+= 1
            guard depth < limits.maxDepth else { throw .tooDeep(limit: limits.maxDepth, mark: event.start) }
            let base = itemStack.count
            var count = 1
            var height = 0
            while true {
                let next = try required()
                if case .sequenceEnd = next.kind { break }
                let item = try compose(next, depth: depth + 1)
                if let handing { handing.item(item.node) } else { itemStack.append(item.node) }
                count &+= item.count
                height = max(height, item.height)
            }
            handing?.endItems()
            let items = Array(itemStack[base...])
            itemStack.removeSubrange(base...)
            let node = Node.sequence(Node.Sequence(items, tag: tag, style: style, mark: event.start))
            return remember(Composed(node: node, count: count, height: height + 1), as: anchor)

        case .mappingStart(let anchor, let tag, let style):
            ownNodes &+= 1
            guard depth < limits.maxDepth else { throw .tooDeep(limit: limits.maxDepth, mark: event.start) }
            let base = pairStack.count
            var count = 1
            var height = 0
            var mergeIndices: [Int] = []
            while true {
                let next = try required()
                if case .mappingEnd = next.kind { break }
                let key = try compose(next, depth: depth + 1)
                let start = try required()
                var handing: (any RootMappingConsumer)?
                if depth == 0, let consumer, case .sequenceStart(nil, _, _) = start.kind,
                    consumer.startsItems(key: key.node, after: pairStack[base...])
                {
                    handing = consumer
                }
                let value = try compose(start, depth: depth + 1, handing: handing)
                if MappingBuilder.isMergeKey(key.node) { mergeIndices.append(pairStack.count - base) }
                pairStack.append(Node.Pair(key: key.node, value: value.node))
                count &+= key.count &+ value.count
                height = max(height, key.height, value.height)
            }
            if depth == 0, let consumer { consumer.rootEnded(pairStack[base...]) }
            let pairs = try MappingBuilder.finish(pairStack[base...], mergeIndices: mergeIndices)
            pairStack.removeSubrange(base...)
            let node = Node.mapping(Node.Mapping(pairs, tag: tag, style: style, mark: event.start))
            return remember(Composed(node: node, count: count, height: height + 1), as: anchor)

        case .alias(let name):
            guard let target = anchors[name] else { throw .undefinedAlias(anchor: name, mark: event.start) }
            guard depth + target.height <= limits.maxDepth else {
                throw .tooDeep(limit: limits.maxDepth, mark: event.start)
            }
            addedNodes &+= target.count
            if addedNodes > limits.aliasFloor {
                if addedNodes > earlyCap {
                    throw .aliasBudgetExceeded(anchor: name, limit: earlyCap, mark: event.start)
                }
                aliasLog.append((addedNodes, name, event.start))
            }
            return target

        default:
            throw .syntax(message: "unexpected event inside a document", mark: event.start, context: nil, contextMark: nil)
        }
    }

    private mutating func remember(_ composed: Composed, as anchor: String?) -> Composed {
        if let anchor { anchors[anchor] = composed }
        return composed
    }

    /// Once the document's own size is known: aliases may have added at most `factor` times it (or the floor).
    private func checkFinalBudget() throws(YAMLError) {
        let budget = max(limits.aliasFloor, limits.aliasFactor &* ownNodes)
        guard addedNodes > budget else { return }
        let culprit = aliasLog.first { $0.added > budget } ?? aliasLog.last!
        throw .aliasBudgetExceeded(anchor: culprit.anchor, limit: budget, mark: culprit.mark)
    }

    /// A scalar with an explicit core tag must read as that type.
    private static func checkTagged(_ scalar: Node.Scalar) throws(YAMLError) {
        let fits: Bool
        switch scalar.tag {
        case .int:
            if case .int = CoreSchema.int(scalar.value) { fits = true } else { fits = false }
        case .float:
            fits = CoreSchema.float(scalar.value) != nil || CoreSchema.int(scalar.value) != nil
        case .bool:
            fits = CoreSchema.bool(scalar.value) != nil
        case .null:
            fits = CoreSchema.isNull(scalar.value)
        default:
            fits = true
        }
        guard fits else {
            throw .invalidTaggedScalar(tag: scalar.tag.shortName ?? "", value: scalar.value, mark: scalar.mark)
        }
    }
}
