import YAML

/// Writes events in the YAML test suite's `test.event` format (the same as `Tools/yaml-events`).
enum EventFormat {
    static func line(_ event: Event) -> String {
        switch event.kind {
        case .streamStart: return "+STR"
        case .streamEnd: return "-STR"
        case .documentStart(let explicit): return explicit ? "+DOC ---" : "+DOC"
        case .documentEnd(let explicit): return explicit ? "-DOC ..." : "-DOC"
        case .mappingStart(let anchor, let tag, let style):
            return "+MAP" + (style == .flow ? " {}" : "") + properties(anchor, tag)
        case .mappingEnd: return "-MAP"
        case .sequenceStart(let anchor, let tag, let style):
            return "+SEQ" + (style == .flow ? " []" : "") + properties(anchor, tag)
        case .sequenceEnd: return "-SEQ"
        case .scalar(let value, let anchor, let tag, let style):
            let indicator: String
            switch style {
            case .plain: indicator = ":"
            case .singleQuoted: indicator = "'"
            case .doubleQuoted: indicator = "\""
            case .literal: indicator = "|"
            case .folded: indicator = ">"
            }
            return "=VAL" + properties(anchor, tag) + " " + indicator + escape(value)
        case .alias(let anchor): return "=ALI *\(anchor)"
        }
    }

    private static func properties(_ anchor: String?, _ tag: YAMLTag) -> String {
        var text = ""
        if let anchor { text += " &\(anchor)" }
        if let name = tag.name { text += " <\(name)>" }
        return text
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            case "\u{08}": out += "\\b"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Reads every event of a file; returns the lines so far and whether the stream ended without an error.
    static func read(_ input: Input) -> (lines: [String], error: YAMLError?) {
        var lines: [String] = []
        do {
            let reader = try EventReader(input)
            while let event = try reader.next() { lines.append(line(event)) }
            return (lines, nil)
        } catch {
            return (lines, error)
        }
    }
}
