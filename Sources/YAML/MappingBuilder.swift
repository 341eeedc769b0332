/// Finishes a mapping: applies `<<` merge keys and rejects duplicate keys.
///
/// Merge semantics (https://yaml.org/type/merge.html): the value of `<<` is a mapping or a sequence of
/// mappings; their pairs join the mapping where the `<<` key stood, except keys the mapping spells out itself
/// (explicit keys win) and keys an earlier mapping of the sequence already gave (earlier wins).
enum MappingBuilder {
    /// Whether a key is the merge key: a plain, untagged `<<`.
    static func isMergeKey(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && scalar.tag == .none && scalar.value == "<<"
    }

    /// Checks keys, applies merges, and returns the pairs in an array of their exact size.
    static func finish(_ pairs: ArraySlice<Node.Pair>, mergeIndices: [Int]) throws(YAMLError) -> [Node.Pair] {
        if mergeIndices.isEmpty, pairs.count <= 8 {
            // The common case: a few keys, no merge. Compare pairwise; no set to allocate.
            try checkSmall(pairs)
            return Array(pairs)
        }
        var seen = KeySet(capacity: pairs.count)
        for pair in pairs {
            if let first = seen.insert(pair.key) {
                throw .duplicateKey(key: describe(pair.key), mark: pair.key.mark, first: first)
            }
        }
        guard !mergeIndices.isEmpty else { return Array(pairs) }
        var result: [Node.Pair] = []
        result.reserveCapacity(pairs.count + 8)
        for (offset, pair) in pairs.enumerated() {
            guard mergeIndices.contains(offset) else {
                result.append(pair)
                continue
            }
            for source in try sources(of: pair.value) {
                for merged in source.pairs where seen.insert(merged.key) == nil {
                    result.append(merged)
                }
            }
        }
        return result
    }

    /// Pairwise comparison for a few keys, each key's identity computed once into stack memory.
    private static func checkSmall(_ pairs: ArraySlice<Node.Pair>) throws(YAMLError) {
        let count = pairs.count
        let duplicate: (Int, Int)? = withUnsafeTemporaryAllocation(of: KeySet.Identity?.self, capacity: count) { identities in
            var offset = 0
            for pair in pairs {
                identities.initializeElement(at: offset, to: KeySet.identity(of: pair.key))
                offset += 1
            }
            defer { identities.deinitialize() }
            for later in 0..<count {
                for earlier in 0..<later {
                    let same: Bool
                    if let a = identities[earlier], let b = identities[later] {
                        same = a == b
                    } else {
                        same = identities[earlier] == nil && identities[later] == nil
                            && pairs[pairs.startIndex + earlier].key.sameContent(as: pairs[pairs.startIndex + later].key)
                    }
                    if same { return (earlier, later) }
                }
            }
            return nil
        }
        if let (earlier, later) = duplicate {
            let key = pairs[pairs.startIndex + later].key
            throw .duplicateKey(key: describe(key), mark: key.mark, first: pairs[pairs.startIndex + earlier].key.mark)
        }
    }

    private static func sources(of value: Node) throws(YAMLError) -> [Node.Mapping] {
        switch value {
        case .mapping(let mapping):
            return [mapping]
        case .sequence(let sequence):
            var mappings: [Node.Mapping] = []
            for item in sequence.items {
                guard case .mapping(let mapping) = item else { throw .invalidMerge(mark: item.mark) }
                mappings.append(mapping)
            }
            return mappings
        case .scalar:
            throw .invalidMerge(mark: value.mark)
        }
    }

    /// A key as a message shows it.
    static func describe(_ key: Node) -> String {
        switch key {
        case .scalar(let scalar): String(scalar.value.prefix(80))
        case .sequence: "[...]"
        case .mapping: "{...}"
        }
    }
}

/// The keys of one mapping, compared by value (`1` and `0x1` are the same key; `"1"` is another), with the
/// mark of each key's first appearance.
struct KeySet {
    enum Identity: Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case float(UInt64)
        case string(String)
    }

    private var scalars: [Identity: Mark]
    private var collections: [(node: Node, mark: Mark)] = []

    init(capacity: Int) {
        scalars = Dictionary(minimumCapacity: capacity)
    }

    /// A scalar key's identity (its resolved value); `nil` for a collection key.
    static func identity(of key: Node) -> Identity? {
        guard case .scalar(let scalar) = key else { return nil }
        return identity(scalar)
    }

    static func identity(_ scalar: Node.Scalar) -> Identity {
        // Quoted, block and !-tagged scalars are strings: no need to run the schema.
        if scalar.tag == .none ? scalar.style != .plain : (scalar.tag == .str || scalar.tag == .nonSpecific) {
            return .string(scalar.value)
        }
        switch scalar.resolved {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .float(let value): return .float(value.isNaN ? Double.nan.bitPattern : (value + 0).bitPattern)
        case .string(let value): return .string(value)
        }
    }

    /// Adds a key; returns the mark of an equal key added before, if any (and then adds nothing).
    mutating func insert(_ key: Node) -> Mark? {
        switch key {
        case .scalar(let scalar):
            let identity = Self.identity(scalar)
            if let first = scalars[identity] { return first }
            scalars[identity] = scalar.mark
            return nil
        case .sequence, .mapping:
            if let first = collections.first(where: { $0.node.sameContent(as: key) }) { return first.mark }
            collections.append((key, key.mark))
            return nil
        }
    }
}

extension Node {
    /// Equal as data: the same resolved values and structure, wherever they stand in the source.
    public func sameContent(as other: Node) -> Bool {
        switch (self, other) {
        case (.scalar(let a), .scalar(let b)):
            return a.resolved == b.resolved
        case (.sequence(let a), .sequence(let b)):
            return a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.sameContent(as: $1) }
        case (.mapping(let a), .mapping(let b)):
            return a.pairs.count == b.pairs.count
                && zip(a.pairs, b.pairs).allSatisfy { $0.key.sameContent(as: $1.key) && $0.value.sameContent(as: $1.value) }
        default:
            return false
        }
    }
}
