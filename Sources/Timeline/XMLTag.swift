/// One XML element as the Final Cut exports write it: a name, attributes in order, then text or child elements.
package struct XMLTag: Sendable {
    package var name: String
    package var attributes: [(name: String, value: String)]
    package var text: String?
    package var children: [XMLTag]

    package init(_ name: String, _ attributes: [(name: String, value: String)] = [], children: [XMLTag] = []) {
        self.name = name
        self.attributes = attributes
        self.text = nil
        self.children = children
    }

    /// `<name>text</name>`.
    package init(_ name: String, text: String) {
        self.init(name)
        self.text = text
    }

    /// The element, one element a line, indented four spaces a level from `depth`; each line ends with a newline.
    package func rendered(depth: Int = 0) -> String {
        let indent = String(repeating: "    ", count: depth)
        var open = "<" + name
        for attribute in attributes {
            open += " \(attribute.name)=\"\(XMLTag.escaped(attribute.value))\""
        }
        if let text {
            return indent + open + ">" + XMLTag.escaped(text) + "</\(name)>\n"
        }
        if children.isEmpty {
            return indent + open + "/>\n"
        }
        return indent + open + ">\n" + children.map { $0.rendered(depth: depth + 1) }.joined() + indent + "</\(name)>\n"
    }

    /// `text` safe in element text and in a quoted attribute: the five markup characters as entities, tab, line feed
    /// and carriage return as character references (so attribute values keep them), and the characters XML 1.0
    /// cannot hold at all (other C0 controls, U+FFFE, U+FFFF) as U+FFFD.
    package static func escaped(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
