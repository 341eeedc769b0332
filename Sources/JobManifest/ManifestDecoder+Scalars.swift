import YAML

/// Reading typed values from nodes, each failure a diagnostic at the offending value.
extension ManifestDecoder {
    /// A string where the schema wants one: any scalar, taken as written (`001` is "001", `2024` is "2024").
    mutating func string(_ node: Node, _ name: String) -> String? {
        guard case .scalar(let scalar) = node else {
            log.error("type", at: node.mark, "\(name) must be a string, found \(node.kindDescription)")
            return nil
        }
        return scalar.value
    }

    /// An integer by YAML 1.2 core resolution; a string, a float or a boolean is an error.
    mutating func integer(_ node: Node, _ name: String) -> Int? {
        if case .scalar(let scalar) = node, case .int(let value) = scalar.resolved { return value }
        log.error("type", at: node.mark, "\(name) must be an integer, found \(Self.describe(node))")
        return nil
    }

    /// A number (integer or float) by YAML 1.2 core resolution; `.inf` and `.nan` are not numbers a body can send.
    mutating func number(_ node: Node, _ name: String) -> Double? {
        if case .scalar(let scalar) = node {
            switch scalar.resolved {
            case .int(let value): return Double(value)
            case .float(let value) where value.isFinite: return value
            default: break
            }
        }
        log.error("type", at: node.mark, "\(name) must be a number, found \(Self.describe(node))")
        return nil
    }

    /// A boolean by YAML 1.2 core resolution (`true`/`false`); `yes`, `"true"` and the like are errors.
    mutating func boolean(_ node: Node, _ name: String) -> Bool? {
        if case .scalar(let scalar) = node, case .bool(let value) = scalar.resolved { return value }
        var message = "\(name) must be true or false, found \(Self.describe(node))"
        if case .scalar(let scalar) = node, scalar.style == .plain,
            ["yes", "no", "on", "off", "y", "n"].contains(scalar.value.lowercased())
        {
            message += " (YAML 1.2 reads '\(scalar.value)' as a string)"
        }
        log.error("type", at: node.mark, message)
        return nil
    }

    /// A mapping, or an error naming what was found.
    mutating func mapping(_ node: Node, _ what: @autoclosure () -> String) -> Node.Mapping? {
        if case .mapping(let mapping) = node { return mapping }
        log.error("type", at: node.mark, "\(what()) must be a mapping, found \(node.kindDescription)")
        return nil
    }

    /// A sequence, or an error naming what was found.
    mutating func sequence(_ node: Node, _ what: String) -> Node.Sequence? {
        if case .sequence(let sequence) = node { return sequence }
        log.error("type", at: node.mark, "\(what) must be a sequence, found \(node.kindDescription)")
        return nil
    }

    /// The text of a mapping key, or an error for a key that is not a plain string.
    mutating func keyName(_ key: Node, in context: @autoclosure () -> String) -> String? {
        if case .scalar(let scalar) = key, case .string(let name) = scalar.resolved { return name }
        log.error("unknown_key", at: key.mark, "unknown key '\(Self.describe(key))' in \(context()); keys are field names")
        return nil
    }

    /// A node as a message shows what was found: `the string "5"`, `the number 5.5`, `a mapping`.
    static func describe(_ node: Node) -> String {
        guard case .scalar(let scalar) = node else { return node.kindDescription }
        let shown = scalar.value.count > 40 ? String(scalar.value.prefix(40)) + "..." : scalar.value
        switch scalar.resolved {
        case .null: return "nothing (null)"
        case .bool(let value): return "the boolean \(value)"
        case .int(let value): return "the integer \(value)"
        case .float: return "the number \(shown)"
        case .string: return "the string \"\(shown)\""
        }
    }
}
