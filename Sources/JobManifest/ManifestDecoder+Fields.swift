import JSON
import YAML

/// A field as written in one mapping (top defaults, a scene's defaults, or a shot).
enum Slot {
    /// A valid value, where it was written, and for a list of objects where each item's length was written.
    case value(BodyValue, Mark, items: [Mark] = [])
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
    mutating func field(_ field: ModelSchema.Field, _ node: Node, path: String, schema: ModelSchema) -> Slot {
        if case .objects(let itemFields, let minItems, let maxItems) = field.kind {
            return objects(node, fields: itemFields, minItems: minItems, maxItems: maxItems, path: path, isSegments: field.name == schema.segmentsField)
        }
        return value(field.kind, node, path: path, required: field.required).map { .value($0, node.mark) } ?? .invalid
    }

    /// Decodes a value of one kind; nil (reported) when it is invalid.
    mutating func value(_ kind: ModelSchema.Field.Kind, _ node: Node, path: String, required: Bool) -> BodyValue? {
        switch kind {
        case .text:
            guard let text = string(node, path) else { return nil }
            guard !text.isEmpty else {
                log.error("empty", at: node.mark, "\(path) must not be empty")
                return nil
            }
            checkLength(text, path: path, at: node.mark)
            return .string(text)

        case .string(let minLength, let maxLength):
            guard let text = string(node, path) else { return nil }
            if text.isEmpty, required || (minLength ?? 0) > 0 {
                log.error("empty", at: node.mark, "\(path) must not be empty")
                return nil
            }
            let length = text.unicodeScalars.count
            if let minLength, length < minLength {
                log.error("length", at: node.mark, "\(path) is \(length) characters long; it must be at least \(minLength)")
                return nil
            }
            if let maxLength, length > maxLength {
                log.error("length", at: node.mark, "\(path) is \(length) characters long; it may be at most \(maxLength)")
                return nil
            }
            return .string(text)

        case .media(let kind):
            // A mapping is a reference to another job's output when it looks like one (`from:`, or a near miss).
            if case .mapping(let mapping) = node, Self.looksLikeReference(mapping) {
                return reference(mapping, kind: kind, path: path).map { .media(.reference($0)) }
            }
            guard let text = string(node, path) else { return nil }
            guard !text.isEmpty else {
                log.error("empty", at: node.mark, "\(path) must not be empty")
                return nil
            }
            return media(text, kind: kind, path: path, at: node.mark).map(BodyValue.media)

        case .integer(let range):
            guard let value = integer(node, path) else { return nil }
            guard range.contains(value) else {
                log.error("range", at: node.mark, "\(path) \(value) is out of range \(Self.describe(range))")
                return nil
            }
            return .integer(value)

        case .number(let minimum, let maximum):
            guard let value = number(node, path) else { return nil }
            if value < (minimum ?? -.infinity) || value > (maximum ?? .infinity) {
                log.error("range", at: node.mark, "\(path) \(JSONValue.format(value)) is out of range \(Self.describe(minimum, maximum))")
                return nil
            }
            return .number(value)

        case .boolean:
            return boolean(node, path).map(BodyValue.boolean)

        case .choice(let options):
            return choice(node, options: options, path: path)

        case .list(let itemKind, let minItems, let maxItems):
            guard let sequence = sequence(node, path) else { return nil }
            guard checkCount(sequence.items.count, minItems: minItems, maxItems: maxItems, path: path, noun: "item", at: node.mark) else { return nil }
            var items: [BodyValue] = []
            var valid = true
            for (index, item) in sequence.items.enumerated() {
                if let value = value(itemKind, item, path: "\(path)[\(index + 1)]", required: true) { items.append(value) } else { valid = false }
            }
            return valid ? .list(items) : nil

        case .objects(let itemFields, let minItems, let maxItems):
            guard case .value(let value, _, _) = objects(node, fields: itemFields, minItems: minItems, maxItems: maxItems, path: path, isSegments: false)
            else { return nil }
            return value

        case .any:
            return json(node, path: path).map(BodyValue.json)
        }
    }

    /// A list of objects with their own fields (the seed's prompt segments, or a catalogue model's).
    private mutating func objects(_ node: Node, fields itemFields: [ModelSchema.Field], minItems: Int?, maxItems: Int?, path: String, isSegments: Bool) -> Slot {
        guard let sequence = sequence(node, path) else { return .invalid }
        guard checkCount(sequence.items.count, minItems: minItems, maxItems: maxItems, path: path, noun: isSegments ? "segment" : "item", at: node.mark)
        else { return .invalid }
        var items: [[BodyValue]] = []
        var itemMarks: [Mark] = []
        var valid = true
        for (index, item) in sequence.items.enumerated() {
            if let values = object(item, fields: itemFields, path: "\(path)[\(index + 1)]") {
                items.append(values)
            } else {
                valid = false
            }
            itemMarks.append(item.mapping?["duration"]?.mark ?? item.mark)
        }
        return valid ? .value(.segments(items), node.mark, items: itemMarks) : .invalid
    }

    /// `3 segments; at most 2 segments are allowed`, or nothing when the count is within the limits.
    private mutating func checkCount(_ count: Int, minItems: Int?, maxItems: Int?, path: String, noun: String, at mark: Mark) -> Bool {
        func plural(_ n: Int) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        if let maxItems, count > maxItems {
            log.error(noun == "segment" ? "segments" : "items", at: mark, "\(path) has \(plural(count)); at most \(plural(maxItems)) \(maxItems == 1 ? "is" : "are") allowed")
            return false
        }
        if let minItems, count < minItems {
            log.error(noun == "segment" ? "segments" : "items", at: mark, "\(path) has \(plural(count)); at least \(plural(minItems)) \(minItems == 1 ? "is" : "are") needed")
            return false
        }
        return true
    }

    /// One object of a list: a mapping of the item fields, defaults filled in.
    private mutating func object(_ node: Node, fields: [ModelSchema.Field], path: String) -> [BodyValue]? {
        guard let mapping = mapping(node, path) else { return nil }
        var slots = [BodyValue?](repeating: nil, count: fields.count)
        var valid = true
        // The fields an unknown key was taken for: a misspelling is one error, not also a missing field.
        var misspelt: Set<String> = []
        for pair in mapping.pairs {
            guard let name = keyName(pair.key, in: path) else { continue }
            guard let position = fields.firstIndex(where: { $0.name == name }) else {
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in \(path)" + DidYouMean.hint(name, among: fields.map(\.name)))
                if let meant = DidYouMean.suggest(name, among: fields.map(\.name)) { misspelt.insert(meant) }
                continue
            }
            let itemField = fields[position]
            if case .objects(let inner, let minItems, let maxItems) = itemField.kind {
                if case .value(let value, _, _) = objects(pair.value, fields: inner, minItems: minItems, maxItems: maxItems, path: "\(path).\(name)", isSegments: false) {
                    slots[position] = value
                } else {
                    valid = false
                }
            } else if let value = value(itemField.kind, pair.value, path: "\(path).\(name)", required: itemField.required) {
                slots[position] = value
            } else {
                valid = false
            }
        }
        var values: [BodyValue] = []
        for (position, itemField) in fields.enumerated() {
            if let value = slots[position] {
                values.append(value)
                continue
            }
            if itemField.required, itemField.defaultValue == nil, valid {
                if !misspelt.contains(itemField.name) { log.error("missing", at: mapping.mark, "\(path) is missing required '\(itemField.name)'") }
                valid = false
            }
            values.append(itemField.defaultValue ?? .absent)
        }
        return valid ? values : nil
    }

    /// One of an enum's values. Where the enum holds strings a plain scalar is taken as written (`duration: 6`
    /// matches `"6"`); where it holds numbers the scalar must be a number.
    private mutating func choice(_ node: Node, options: [BodyValue], path: String) -> BodyValue? {
        guard case .scalar(let scalar) = node else {
            log.error("type", at: node.mark, "\(path) must be one of \(Self.list(options)), found \(node.kindDescription)")
            return nil
        }
        if options.contains(.string(scalar.value)) { return .string(scalar.value) }
        let number: Double? = switch scalar.resolved {
        case .int(let value): Double(value)
        case .float(let value): value
        default: nil
        }
        if let number, let match = options.first(where: { $0.numeric == number }) { return match }
        if case .bool(let flag) = scalar.resolved, options.contains(.boolean(flag)) { return .boolean(flag) }
        if let written = Double(scalar.value), options.contains(where: { $0.numeric == written }) {
            log.error("type", at: node.mark, "\(path) must be a number, found \(Self.describe(node)) (write it without quotes)")
            return nil
        }
        let texts = options.map(Self.text)
        // A number is quoted as written only where it was written as a string; a plain number is shown as one.
        let found = number != nil && scalar.style == .plain ? scalar.value : "'\(scalar.value)'"
        log.error("choice", at: node.mark, "\(path) must be one of \(Self.list(options)), found \(found)" + (Double(scalar.value) == nil ? DidYouMean.hint(scalar.value, among: texts) : ""))
        return nil
    }

    static func text(_ option: BodyValue) -> String {
        switch option {
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): JSONValue.format(number)
        case .boolean(let flag): String(flag)
        default: "?"
        }
    }

    private static func list(_ options: [BodyValue]) -> String {
        options.map(text).joined(separator: ", ")
    }

    /// `3..15`, `at least 0`, `at most 10`, or `any integer`.
    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound == Int.min, range.upperBound == Int.max) {
        case (false, false): "\(range.lowerBound)..\(range.upperBound)"
        case (false, true): "at least \(range.lowerBound)"
        case (true, false): "at most \(range.upperBound)"
        case (true, true): "of integers"
        }
    }

    static func describe(_ minimum: Double?, _ maximum: Double?) -> String {
        switch (minimum, maximum) {
        case (let low?, let high?): "\(JSONValue.format(low))..\(JSONValue.format(high))"
        case (let low?, nil): "at least \(JSONValue.format(low))"
        case (nil, let high?): "at most \(JSONValue.format(high))"
        case (nil, nil): "of numbers"
        }
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

    /// A media reference: an https URL as it is; anything else a path, joined to `assets` or to the manifest's
    /// folder (never the working directory), and checked on disk for the kind the field takes.
    private mutating func media(_ text: String, kind: MediaKind, path: String, at mark: Mark) -> MediaSource? {
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
            return localMedia(Paths.join(folder, text), kind: kind, written: text, path: path, at: mark, base: "the assets folder")
        default:
            let base = text.hasPrefix("/") ? nil : "the manifest's folder"
            return localMedia(Paths.join(manifestFolder, text), kind: kind, written: text, path: path, at: mark, base: base)
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

    private mutating func localMedia(_ absolute: String, kind: MediaKind, written: String, path: String, at mark: Mark, base: String?) -> MediaSource? {
        switch inspector.inspect(absolute) {
        case .success(let file):
            guard file.kind == kind else {
                log.error("media_kind", at: mark, "\(path) '\(written)' is \(Self.article(file.kind)) file (\(file.mediaType), by its bytes); \(path) takes \(Self.article(kind)) (\(Self.formats(kind)))")
                return nil
            }
            guard file.byteCount <= MediaInspector.maxBytes(kind) else {
                log.error(kind == .image ? "image" : "media", at: mark, "\(path) '\(written)' is \(Self.mebibytes(file.byteCount)) MiB; \(Self.limit(kind))")
                return nil
            }
            return .file(file)
        case .failure(.notFound):
            log.error(kind == .image ? "image" : "media", at: mark, "\(path) '\(written)' not found" + (base.map { " in \($0)" } ?? ""))
        case .failure(.notRegularFile):
            log.error(kind == .image ? "image" : "media", at: mark, "\(path) '\(written)' is not a regular file")
        case .failure(.unreadable(let reason)):
            log.error(kind == .image ? "image" : "media", at: mark, "\(path) '\(written)' cannot be read: \(reason)")
        case .failure(.tooLarge(let bytes)):
            log.error(kind == .image ? "image" : "media", at: mark, "\(path) '\(written)' is \(Self.mebibytes(bytes)) MiB; \(Self.limit(kind))")
        case .failure(.unrecognised):
            log.error(kind == .image ? "image" : "media", at: mark, "\(path) '\(written)' is not \(Self.formats(kind, joiner: "or")) file (judged by its bytes)")
        }
        return nil
    }

    private static func mebibytes(_ bytes: Int) -> Double {
        (Double(bytes) / 1_048_576 * 10).rounded(.down) / 10
    }

    private static func article(_ kind: MediaKind) -> String {
        switch kind {
        case .image: "an image"
        case .video: "a video"
        case .audio: "an audio"
        }
    }

    private static func limit(_ kind: MediaKind) -> String {
        let mebibytes = MediaInspector.maxBytes(kind) / 1_048_576
        return switch kind {
        case .image: "an image may be at most \(mebibytes) MiB"
        case .video: "a video may be at most \(mebibytes) MiB"
        case .audio: "an audio file may be at most \(mebibytes) MiB"
        }
    }

    /// `PNG, JPEG or WebP`; with `joiner`, `a PNG, JPEG or WebP`.
    private static func formats(_ kind: MediaKind, joiner: String? = nil) -> String {
        let names = switch kind {
        case .image: ["PNG", "JPEG", "WebP"]
        case .video: ["MP4", "MOV", "WebM"]
        case .audio: ["WAV", "MP3", "OGG", "FLAC", "M4A"]
        }
        let text = names.dropLast().joined(separator: ", ") + " or " + names.last!
        guard joiner != nil else { return text }
        return (["MP4", "MP3", "M4A"].contains(names[0]) ? "an " : "a ") + text
    }

    /// A value the schema does not describe, as JSON: scalars by the core schema, mappings and sequences as they are.
    mutating func json(_ node: Node, path: String) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            return switch scalar.resolved {
            case .null: .null
            case .bool(let flag): .bool(flag)
            case .int(let number): .int(number)
            case .float(let number): number.isFinite ? .number(number) : .string(scalar.value)
            case .string(let text): .string(text)
            }
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence.items {
                guard let value = json(item, path: path) else { return nil }
                items.append(value)
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [(key: String, value: JSONValue)] = []
            for pair in mapping.pairs {
                guard let name = keyName(pair.key, in: path), let value = json(pair.value, path: "\(path).\(name)") else { return nil }
                members.append((name, value))
            }
            return .object(members)
        }
    }
}
