import YAML

/// A field as written in one mapping (top defaults, a scene's defaults, or a shot).
enum Slot {
    /// A valid value, and where it was written.
    case value(BodyValue, Mark)
    /// Written but invalid (already reported): counts as given, so nothing else complains of it missing.
    case invalid
}

/// The prompt lengths past which a prompt draws a warning, and an error.
enum PromptLimits {
    static let warning = 2_500
    static let error = 10_000
}

extension ManifestDecoder {
    /// Decodes one field's value; problems are reported and give `.invalid`.
    mutating func field(_ field: ModelSchema.Field, _ node: Node, path: String) -> Slot {
        switch field.kind {
        case .text:
            guard let text = string(node, path) else { return .invalid }
            guard !text.isEmpty else {
                log.error("empty", at: node.mark, "\(path) must not be empty")
                return .invalid
            }
            checkLength(text, path: path, at: node.mark)
            return .value(.string(text), node.mark)

        case .image:
            guard let text = string(node, path) else { return .invalid }
            guard !text.isEmpty else {
                log.error("empty", at: node.mark, "\(path) must not be empty")
                return .invalid
            }
            guard let source = image(text, path: path, at: node.mark) else { return .invalid }
            return .value(.image(source), node.mark)

        case .integer(let range):
            guard let value = integer(node, path) else { return .invalid }
            guard range.contains(value) else {
                log.error("range", at: node.mark, "\(path) \(value) is out of range \(range.lowerBound)..\(range.upperBound)")
                return .invalid
            }
            return .value(.integer(value), node.mark)

        case .boolean:
            guard let value = boolean(node, path) else { return .invalid }
            return .value(.boolean(value), node.mark)

        case .choice(let options):
            guard let text = string(node, path) else { return .invalid }
            guard options.contains(text) else {
                let list = options.joined(separator: ", ")
                log.error("choice", at: node.mark, "\(path) must be one of \(list), found '\(text)'" + DidYouMean.hint(text, among: options))
                return .invalid
            }
            return .value(.string(text), node.mark)

        case .segments(let itemFields, let maxItems):
            guard let sequence = sequence(node, path) else { return .invalid }
            guard sequence.items.count <= maxItems else {
                log.error("segments", at: node.mark, "\(path) has \(sequence.items.count) segments; at most \(maxItems) segments are allowed")
                return .invalid
            }
            var items: [[BodyValue]] = []
            var valid = true
            for (index, item) in sequence.items.enumerated() {
                if let values = segment(item, fields: itemFields, path: "\(path)[\(index + 1)]") {
                    items.append(values)
                } else {
                    valid = false
                }
            }
            return valid ? .value(.segments(items), node.mark) : .invalid
        }
    }

    /// One segment: a mapping of the segment fields, defaults filled in.
    private mutating func segment(_ node: Node, fields: [ModelSchema.Field], path: String) -> [BodyValue]? {
        guard let mapping = mapping(node, path) else { return nil }
        var slots = [Slot?](repeating: nil, count: fields.count)
        for pair in mapping.pairs {
            guard let name = keyName(pair.key, in: path) else { continue }
            guard let position = fields.firstIndex(where: { $0.name == name }) else {
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in \(path)" + DidYouMean.hint(name, among: fields.map(\.name)))
                continue
            }
            slots[position] = field(fields[position], pair.value, path: "\(path).\(name)")
        }
        var values: [BodyValue] = []
        var valid = true
        for (position, itemField) in fields.enumerated() {
            switch slots[position] {
            case .value(let value, _)?: values.append(value)
            case .invalid?: valid = false
            case nil:
                if itemField.required {
                    log.error("missing", at: mapping.mark, "\(path) is missing required '\(itemField.name)'")
                    valid = false
                }
                values.append(itemField.defaultValue ?? .absent)
            }
        }
        return valid ? values : nil
    }

    /// Warns past 2,500 characters, refuses past 10,000.
    private mutating func checkLength(_ text: String, path: String, at mark: Mark) {
        guard text.utf8.count > PromptLimits.warning else { return }
        let length = text.unicodeScalars.count
        if length > PromptLimits.error {
            log.error("length", at: mark, "\(path) is longer than \(PromptLimits.error) characters (\(length))")
        } else if length > PromptLimits.warning {
            log.warning("length", at: mark, "\(path) is longer than \(PromptLimits.warning) characters (\(length)); the provider may cut it short")
        }
    }

    /// An image reference: an https URL as it is; anything else a path, joined to `assets` or to the manifest's
    /// folder (never the working directory), and checked on disk.
    private mutating func image(_ text: String, path: String, at mark: Mark) -> ImageSource? {
        if Self.hasScheme(text, "https://") {
            return checkURL(text, path: path, at: mark) ? .url(text) : nil
        }
        if Self.hasScheme(text, "http://") {
            log.error("image", at: mark, "\(path) '\(text)' is not https: only https URLs are accepted")
            return nil
        }
        if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }),
            text[colon...].hasPrefix("://") || Self.hasScheme(text, "data:")
        {
            log.error("image", at: mark, "\(path) '\(text.prefix(60))' is neither an https URL nor a path to a file")
            return nil
        }
        switch assets {
        case .url(let base) where !text.hasPrefix("/"):
            let joined = base + (text.hasPrefix("./") ? String(text.dropFirst(2)) : text)
            return checkURL(joined, path: path, at: mark) ? .url(joined) : nil
        case .folder(let folder) where !text.hasPrefix("/"):
            return localImage(Paths.join(folder, text), written: text, path: path, at: mark, base: "the assets folder")
        default:
            let base = text.hasPrefix("/") ? nil : "the manifest's folder"
            return localImage(Paths.join(manifestFolder, text), written: text, path: path, at: mark, base: base)
        }
    }

    /// Whether `text` starts with `scheme` (lowercase ASCII), ignoring case.
    static func hasScheme(_ text: String, _ scheme: StaticString) -> Bool {
        let utf8 = text.utf8
        guard utf8.count >= scheme.utf8CodeUnitCount else { return false }
        var index = utf8.startIndex
        for offset in 0..<scheme.utf8CodeUnitCount {
            let byte = utf8[index]
            let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            guard lowered == scheme.utf8Start[offset] else { return false }
            index = utf8.index(after: index)
        }
        return true
    }

    private mutating func checkURL(_ url: String, path: String, at mark: Mark) -> Bool {
        let rest = url.utf8.dropFirst("https://".utf8.count)
        let host = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        if host.isEmpty || url.utf8.contains(where: { $0 <= 0x20 }) {
            log.error("image", at: mark, "\(path) '\(url.prefix(80))' is not a valid https URL")
            return false
        }
        return true
    }

    private mutating func localImage(_ absolute: String, written: String, path: String, at mark: Mark, base: String?) -> ImageSource? {
        switch inspector.inspect(absolute) {
        case .success(let image):
            return .file(image)
        case .failure(.notFound):
            log.error("image", at: mark, "\(path) '\(written)' not found" + (base.map { " in \($0)" } ?? ""))
        case .failure(.notRegularFile):
            log.error("image", at: mark, "\(path) '\(written)' is not a regular file")
        case .failure(.unreadable(let reason)):
            log.error("image", at: mark, "\(path) '\(written)' cannot be read: \(reason)")
        case .failure(.tooLarge(let bytes)):
            let mebibytes = Double(bytes) / 1_048_576
            let shown = (mebibytes * 10).rounded(.down) / 10
            log.error("image", at: mark, "\(path) '\(written)' is \(shown) MiB; an image may be at most 6 MiB")
        case .failure(.notAnImage):
            log.error("image", at: mark, "\(path) '\(written)' is not a PNG, JPEG or WebP file (judged by its bytes)")
        }
        return nil
    }
}
