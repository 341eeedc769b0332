import YAML

extension ManifestDecoder {
    /// Ids: a letter or digit, then up to 63 letters, digits, '.', '_' or '-' (safe as file names everywhere).
    static func isValidID(_ id: String) -> Bool {
        let bytes = id.utf8
        guard let first = bytes.first, bytes.count <= 64, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// Reads an id, checks its form and that it is new in its container (ignoring case).
    mutating func identifier(_ node: Node, registry: inout IDRegistry, what: String) -> String? {
        guard let id = string(node, what) else { return nil }
        guard Self.isValidID(id) else {
            let shown = id.count > 70 ? String(id.prefix(70)) + "..." : id
            log.error("id", at: node.mark, "invalid id '\(shown)': an id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
            return nil
        }
        if let first = registry.insert(id, at: node.mark) {
            log.error(
                "duplicate_id", at: node.mark, "duplicate id '\(id)': ids must differ ignoring case (first used at \(first))",
                notes: [.init(at: first, "'\(id)' is first used here")]
            )
            return nil
        }
        return id
    }

    /// The items of a sequence node, taken so that the caller holds the only reference to them.
    mutating func takeItems(_ node: consuming Node, _ what: String) -> [Node]? {
        let mark = node.mark
        let kind = node.kindDescription
        guard case .sequence(var sequence) = consume node else {
            log.error("type", at: mark, "\(what) must be a sequence, found \(kind)")
            return nil
        }
        let items = sequence.items
        sequence.items = []
        return items
    }

    /// Decodes the fields of a shot against its model's schema (`id` and `model` were read before).
    mutating func shotLayer(_ mapping: Node.Mapping, schema: ModelSchema, context: @autoclosure () -> String) -> Layer {
        var layer = Layer(count: schema.fields.count)
        for pair in mapping.pairs {
            guard let name = keyName(pair.key, in: context()) else { continue }
            switch name {
            case "id", "model": continue
            case "takes":
                layer.takes = takes(pair.value) ?? 1
                continue
            case "approve":
                layer.approve = boolean(pair.value, "approve")
                continue
            default: break
            }
            guard let position = schema.position(of: name) else {
                let known = Self.runnerKeys + schema.fields.map(\.name)
                // The model is named where the manifest uses more than its own one.
                let model = schema === topSchema && models.count <= 1 ? "" : " (model \(schema.modelID))"
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in \(context())\(model)" + DidYouMean.hint(name, among: known))
                if let meant = DidYouMean.suggest(name, among: known) { layer.misspelt.insert(meant) }
                continue
            }
            layer.slots[position] = field(schema.fields[position], pair.value, path: name, schema: schema)
        }
        return layer
    }

    /// Decodes a `shots` sequence and expands each shot into its jobs.
    mutating func shots(
        _ node: consuming Node, scene: String?, defaults: [DefaultsLayer], model inherited: ModelChoice, registry: inout IDRegistry,
        makesJobs: Bool = true
    ) {
        eachItem(of: node, "shots") { decoder, item in
            decoder.shot(item, scene: scene, defaults: defaults, model: inherited, registry: &registry, makesJobs: makesJobs)
        }
    }

    /// Each item of a sequence node (an error if it is none), taken out of it one at a time so that its nodes are
    /// freed as soon as `body` is done with them.
    mutating func eachItem(of node: consuming Node, _ what: String, _ body: (inout ManifestDecoder, Node) -> Void) {
        guard var items = takeItems(node, what) else { return }
        for index in items.indices {
            let item = items[index]
            items[index] = .scalar(Node.Scalar("", mark: item.mark))
            body(&self, item)
        }
    }

    /// Decodes one shot and expands it into its jobs.
    mutating func shot(
        _ item: consuming Node, scene: String?, defaults: [DefaultsLayer], model inherited: ModelChoice, registry: inout IDRegistry,
        makesJobs: Bool = true
    ) {
        shotCount += 1
        guard case .mapping(let mapping) = item else {
            log.error("type", at: item.mark, "a shot must be a mapping, found \(item.kindDescription)")
            return
        }
        let idNode = mapping["id"]
        let shotID = idNode.flatMap { identifier($0, registry: &registry, what: "id") }
        if idNode == nil { log.error("missing", at: mapping.mark, "a shot is missing required 'id'") }
        let context = { "shot '\(shotID ?? idNode?.scalar?.value ?? "?")'" }
        // The model first, then the fields.
        let choice = mapping["model"].map { modelChoice($0) } ?? inherited
        guard case .model(let schema) = choice.or(.model(.klingO3ProImageToVideo)) else { return }
        if !models.contains(where: { $0 === schema }) { models.append(schema) }
        let shot = shotLayer(mapping, schema: schema, context: context())
        let layers = defaults.map { layer(of: $0, for: schema, shot: context(), at: mapping.mark) }
        let body = resolve(shot, defaults: layers, schema: schema, context: context(), at: mapping.mark)
        guard makesJobs, let shotID else { return }
        guard let body else {
            // Still a job others may name: a reference to it is not also "unknown".
            let base = scene.map { "\($0)/\(shotID)" } ?? shotID
            graphShots.append(GraphShot(id: base, takes: shot.takes ?? 1, outputs: Int.max, kind: schema.outputKind, modelID: schema.modelID, seconds: nil, mark: mapping.mark))
            return
        }
        let takes = shot.takes ?? layers.reversed().lazy.compactMap(\.takes).first ?? 1
        let approve = shot.approve ?? layers.reversed().lazy.compactMap(\.approve).first ?? false
        jobCount += takes
        let requestBody = RequestBody(schema: schema, values: body)
        registry.record(shotID, takes: takes, outputs: requestBody.outputs, at: mapping.mark)
        checkBodySize(requestBody, context: context(), at: mapping.mark)
        totalSeconds += takes * requestBody.duration
        seconds.add(requestBody, takes: takes)
        let base = scene.map { "\($0)/\(shotID)" } ?? shotID
        recordGraphShot(id: base, takes: takes, body: requestBody, at: mapping.mark)
        guard collectsJobs else { return }
        for take in 1...takes {
            jobs.append(Job(
                id: takes == 1 ? base : "\(base)~\(take)", take: take, body: requestBody, mark: mapping.mark, hasReferences: sawReferences, approve: approve
            ))
        }
    }

    /// A body's local files go as base64 data URIs: together they must stay under the API's 64 MiB.
    private mutating func checkBodySize(_ body: RequestBody, context: @autoclosure () -> String, at mark: Mark) {
        // Two images at their 6 MiB limit cannot pass it: look closer only when the files could.
        var bytes = 0
        for (position, value) in body.values.enumerated() {
            switch value {
            case .media(.file(let file)): bytes += file.byteCount
            case .list: bytes += MediaInspector.maxBodyBytes
            case .segments where body.schema.fields[position].name != body.schema.segmentsField: bytes += MediaInspector.maxBodyBytes
            default: continue
            }
        }
        guard bytes > MediaInspector.maxBodyBytes / 2 else { return }
        let files = body.localFiles
        let encoded = files.reduce(0) { $0 + ($1.byteCount + 2) / 3 * 4 + $1.mediaType.utf8.count + 13 }
        guard encoded > MediaInspector.maxBodyBytes - 65_536 else { return }
        let mebibytes = (Double(encoded) / 1_048_576 * 10).rounded(.down) / 10
        log.error("body_size", at: mark, "\(context()) sends \(mebibytes) MiB of files as data URIs; a request may be at most 64 MiB (use https URLs for some)")
    }

    /// A shot's body: each field from the shot, else the scene's defaults, else the top defaults, else the schema's
    /// default; the duration of a shot with segments is their sum. `nil` if anything is missing or invalid.
    private mutating func resolve(
        _ shot: Layer, defaults: [Layer], schema: ModelSchema, context: @autoclosure () -> String, at mark: Mark
    ) -> [BodyValue]? {
        var valid = true
        var values: [BodyValue] = []
        var marks: [Mark?] = []
        var segmentMarks: [Mark] = []
        values.reserveCapacity(schema.fields.count)
        let segmentsAt = schema.segmentsField.flatMap(schema.position(of:)) ?? -1
        for (position, field) in schema.fields.enumerated() {
            var slot = shot.slots[position]
            var layer = defaults.count
            while slot == nil, layer > 0 {
                layer -= 1
                slot = defaults[layer].slots[position]
            }
            switch slot {
            case .value(let value, let written, let items)?:
                values.append(value)
                marks.append(written)
                if position == segmentsAt { segmentMarks = items }
            case .invalid?:
                valid = false
                values.append(.absent)
                marks.append(nil)
            case nil:
                // A required field with a default (neither empty nor media: those are never written) is satisfied by it.
                if field.required, field.defaultValue == nil {
                    // A misspelling of it was already reported, with the right name: one error, not two.
                    if !shot.misspelt.contains(field.name) { log.error("missing", at: mark, "\(context()) is missing required '\(field.name)'") }
                    valid = false
                }
                values.append(field.defaultValue ?? .absent)
                marks.append(nil)
            }
        }
        guard let segmentsPosition = schema.segmentsField.flatMap(schema.position(of:)),
            let durationPosition = schema.durationField.flatMap(schema.position(of:))
        else { return valid ? values : nil }

        guard case .segments(let items) = values[segmentsPosition], !items.isEmpty else {
            if case .segments = values[segmentsPosition] { values[segmentsPosition] = .absent }  // `[]` means none
            return valid ? values : nil
        }
        let sum = items.reduce(0) { $0 + ($1.count > 1 ? $1[1].integer ?? 0 : 0) }
        let segmentsMark = marks[segmentsPosition] ?? mark
        let segmentNotes = zip(segmentMarks, items).enumerated().map { index, pair in
            Diagnostic.Note(at: pair.0, "segment \(index + 1): \(pair.1.count > 1 ? pair.1[1].integer ?? 0 : 0) s")
        }
        if case .integer(let range) = schema.fields[durationPosition].kind, !range.contains(sum) {
            log.error(
                "segments", at: segmentsMark,
                "\(schema.segmentsField ?? "") segments add up to \(sum) s, longer than \(range.upperBound) s (the longest clip)",
                notes: segmentNotes
            )
            valid = false
        }
        // Only a duration written on the shot itself must match; an inherited one does not apply to segments.
        if case .value(.integer(let written), let writtenMark, _)? = shot.slots[durationPosition], written != sum {
            log.error(
                "duration_sum", at: writtenMark,
                "duration \(written) does not equal the sum of the \(schema.segmentsField ?? "") segments, \(sum) (segments at \(segmentsMark))",
                notes: segmentNotes
            )
            valid = false
        }
        values[durationPosition] = .integer(sum)
        if let endPosition = schema.position(of: "end_image"), case .media = values[endPosition] {
            log.warning("end_image_segments", at: marks[endPosition] ?? mark, "\(context()) combines end_image with multi_prompt; the provider may refuse the combination")
        }
        return valid ? values : nil
    }
}
