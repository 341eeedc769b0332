public import JSON
/// A job's request body: every field of the model's schema with its resolved value (defaults filled in), so
/// that writing a default out explicitly changes neither the body nor the key.
public struct RequestBody: Sendable, Equatable {
    /// The model's schema, which names the values.
    public let schema: ModelSchema
    /// One value per schema field, in schema order (`.absent` where a field without a default was not given).
    public let values: [BodyValue]

    /// Creates a body from values aligned with the schema's fields.
    public init(schema: ModelSchema, values: [BodyValue]) {
        self.schema = schema
        self.values = values
    }

    public static func == (lhs: RequestBody, rhs: RequestBody) -> Bool {
        lhs.schema === rhs.schema && lhs.values == rhs.values
    }

    /// The value of a field by name (`.absent` if the schema has no such field).
    public subscript(field: String) -> BodyValue {
        schema.position(of: field).map { values[$0] } ?? .absent
    }

    /// The clip's length in whole seconds (an upper bound rounded up; 0 where unknown or not a clip).
    public var duration: Int {
        if let seconds = self[schema.durationField ?? ""].integer { return max(0, seconds) }
        return seconds.map { Int(min($0.value, 1e9).rounded(.up)) } ?? 0
    }

    /// The seconds a per-second price counts, and whether they are an upper bound: the duration field's value (a
    /// string such as `"8"` read as a number); `"auto"` or no value, the schema's longest; no duration field, the
    /// model's fixed length. Nil when none of these is known.
    public var seconds: (value: Double, isBound: Bool)? {
        guard let field = schema.durationField, let position = schema.position(of: field) else {
            return schema.rules.fixedSeconds.map { (Double($0), false) }
        }
        // Only a finite, non-negative length counts; anything else (`"nan"`, `-5`) is as unknown as `"auto"`.
        func usable(_ value: Double) -> Bool { value.isFinite && value >= 0 && value <= 1e9 }
        switch values[position] {
        case .integer(let value) where usable(Double(value)): return (Double(value), false)
        case .number(let value) where usable(value): return (value, false)
        case .string(let text):
            if let value = Double(text), usable(value) { return (value, false) }
        default: break
        }
        return Self.longest(schema.fields[position].kind).map { ($0, true) }
    }

    /// The largest number a duration field allows, if it has one.
    private static func longest(_ kind: ModelSchema.Field.Kind) -> Double? {
        switch kind {
        case .integer(let range): range.upperBound == Int.max || range.upperBound < 0 ? nil : Double(range.upperBound)
        case .number(_, let maximum): maximum.flatMap { $0.isFinite && $0 >= 0 && $0 <= 1e9 ? $0 : nil }
        case .choice(let options):
            options.compactMap { $0.numeric ?? $0.string.flatMap(Double.init) }.filter { $0.isFinite && $0 >= 0 && $0 <= 1e9 }.max()
        default: nil
        }
    }

    /// How many outputs the request makes: its output-count field's integer, else 1.
    public var outputs: Int {
        guard let field = schema.rules.outputsField, let count = self[field].integer, count > 0 else { return 1 }
        return count
    }

    /// Whether `outputs` is an upper bound (`max_images`: the model makes at most that many).
    public var outputsIsBound: Bool { schema.rules.outputsAreBound && schema.rules.outputsField.map { self[$0].integer != nil } == true }

    /// Whether the clip has sound.
    public var sound: Bool { schema.soundField.flatMap { self[$0].boolean } ?? false }

    /// The prompt segments as (prompt, seconds), empty when there are none.
    public var segments: [(prompt: String, duration: Int)] {
        guard let field = schema.segmentsField, case .segments(let items) = self[field] else { return [] }
        return items.map { ($0.first?.string ?? "", $0.count > 1 ? $0[1].integer ?? 0 : 0) }
    }

    /// Every local file the body sends (a resolved reference's file included, once built).
    public var localFiles: [LocalMedia] {
        collectMedia { source in
            switch source {
            case .file(let file): file
            case .resolved(let input): input.file
            case .url, .reference: nil
            }
        }
    }

    /// Every reference to another job's output still unresolved, in field order.
    public var references: [JobReference] {
        collectMedia { if case .reference(let reference) = $0 { reference } else { nil } }
    }

    /// Every reference, resolved or not, in field order.
    public var allReferences: [JobReference] {
        collectMedia { source in
            switch source {
            case .reference(let reference): reference
            case .resolved(let input): input.reference
            case .url, .file: nil
            }
        }
    }

    /// Every resolved reference, in field order (the order `replacingMedia` visits them).
    public var resolvedInputs: [ResolvedInput] {
        collectMedia { if case .resolved(let input) = $0 { input } else { nil } }
    }

    /// What `pick` gives of each media source, in field order (lists and segments walked in order).
    private func collectMedia<T>(_ pick: (MediaSource) -> T?) -> [T] {
        var found: [T] = []
        visitMedia { if let value = pick($0) { found.append(value) } }
        return found
    }

    /// The ids of the jobs this body takes outputs from, each once, in field order.
    public var sourceJobs: [String] {
        var ids: [String] = []
        for reference in allReferences where !ids.contains(reference.job) { ids.append(reference.job) }
        return ids
    }

    /// The body with each media source replaced as `transform` says (nil: kept as it is).
    public func replacingMedia(_ transform: (MediaSource) throws -> MediaSource?) rethrows -> RequestBody {
        func replace(_ value: BodyValue) throws -> BodyValue {
            switch value {
            case .media(let source): return .media(try transform(source) ?? source)
            case .list(let items): return .list(try items.map(replace))
            case .segments(let items): return .segments(try items.map { try $0.map(replace) })
            default: return value
            }
        }
        return RequestBody(schema: schema, values: try values.map(replace))
    }

    private func visitMedia(_ visit: (MediaSource) -> Void) {
        func walk(_ value: BodyValue) {
            switch value {
            case .media(let source): visit(source)
            case .list(let items): items.forEach(walk)
            case .segments(let items): items.forEach { $0.forEach(walk) }
            default: break
            }
        }
        values.forEach(walk)
    }

    /// How a local file is written into the JSON.
    public enum ImageForm: Sendable {
        /// `sha256:<hex>` of its bytes: the form the key hashes, so a moved file keeps its key.
        case digest
        /// Its absolute `file://` URL: the form `plan --json` shows.
        case fileURL
    }

    /// The body as JSON, keys sorted, absent fields left out, local files in the given form. A reference shows as
    /// its `{"from": ...}` object in the `file://` form and as the text the key covers in the digest form.
    public func json(images: ImageForm) -> JSONValue {
        json { source in
            switch (source, images) {
            case (.url(let url), _): .string(url)
            case (.file(let file), .digest): .string("sha256:" + file.sha256)
            case (.file(let file), .fileURL): .string(file.fileURL)
            case (.reference(let reference), .digest): .string(reference.placeholder)
            case (.reference(let reference), .fileURL): reference.json
            case (.resolved(let input), .digest): .string(input.keyText)
            case (.resolved(let input), .fileURL): input.file.map { .string($0.fileURL) } ?? input.reference.json
            }
        }
    }

    /// The body as JSON with each local file written as `encode` makes it (a data URI, for the API). A reference
    /// must have been resolved and built first (`BodyNotBuilt` otherwise: it is never sent as a placeholder).
    public func json(encodingImages encode: (LocalMedia) throws -> String) throws -> JSONValue {
        try json { source in
            switch source {
            case .url(let url): return .string(url)
            case .file(let file): return .string(try encode(file))
            case .resolved(let input):
                guard let file = input.file else { throw BodyNotBuilt(reference: input.reference) }
                return .string(try encode(file))
            case .reference(let reference): throw BodyNotBuilt(reference: reference)
            }
        }
    }

    /// A body sent before its references were built into files (a bug: the scheduler builds them first).
    public struct BodyNotBuilt: Error, CustomStringConvertible {
        public let reference: JobReference
        public var description: String { "the input from '\(reference.job)' was not built before the submit" }
    }

    private func json(media: (MediaSource) throws -> JSONValue) rethrows -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for (field, value) in zip(schema.fields, values) {
            guard let json = try Self.json(value, field: field, media: media) else { continue }
            members.append((field.name, json))
        }
        return JSONValue.object(members).sortedKeys()
    }

    private static func json(
        _ value: BodyValue,
        field: ModelSchema.Field?,
        media: (MediaSource) throws -> JSONValue
    ) rethrows -> JSONValue? {
        switch value {
        case .absent: return nil
        case .string(let text): return .string(text)
        case .integer(let number): return .int(number)
        case .number(let number): return .number(number)
        case .boolean(let flag): return .bool(flag)
        case .media(let source): return try media(source)
        case .list(let items): return .array(try items.compactMap { try json($0, field: nil, media: media) })
        case .json(let value): return value
        case .segments(let items):
            guard case .objects(let itemFields, _, _)? = field?.kind else { return nil }
            return .array(try items.map { item in
                var members: [(key: String, value: JSONValue)] = []
                for (itemField, itemValue) in zip(itemFields, item) {
                    if let json = try Self.json(itemValue, field: itemField, media: media) { members.append((itemField.name, json)) }
                }
                return .object(members)
            })
        }
    }
}
