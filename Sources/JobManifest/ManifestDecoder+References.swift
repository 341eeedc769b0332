import ModelCatalog
import YAML

/// A shot as a possible source of references: what a reference to it is checked against.
struct GraphShot {
    /// Its job id before takes (`scene/shot`).
    let id: String
    let takes: Int
    let outputs: Int
    let kind: CatalogEntry.OutputKind
    let modelID: String
    /// Its planned length in seconds, when known.
    let seconds: Double?
    let mark: Mark
}

/// A reference as one shot uses it (a default's reference is used by every shot that inherits it).
struct ReferenceUse {
    /// The using shot, in `graphShots`.
    let shot: Int
    let reference: JobReference
    /// The kind of media the field takes.
    let fieldKind: MediaKind
    /// The field's name.
    let path: String
}

extension ManifestDecoder {
    static let referenceKeys = ["from", "output", "frame"]

    /// Whether a mapping in a media field is meant as a reference: it has `from`, or a key close to one of a
    /// reference's (a mapping such as `{url: ...}` is a string field written wrong, and is reported so).
    static func looksLikeReference(_ mapping: Node.Mapping) -> Bool {
        mapping.pairs.contains { pair in
            guard let key = pair.key.scalar?.value else { return false }
            return referenceKeys.contains(key) || !DidYouMean.hint(key, among: referenceKeys).isEmpty
        }
    }

    /// `{from: JOB_ID, output: N, frame: first|last|SECONDS}` in a media field taking `kind`.
    mutating func reference(_ mapping: Node.Mapping, kind: MediaKind, path: String) -> JobReference? {
        sawReferences = true
        var job: String?
        var output: Int?
        var frame: JobReference.Frame?
        var valid = true
        for pair in mapping.pairs {
            guard let name = keyName(pair.key, in: path) else { valid = false; continue }
            switch name {
            case "from":
                guard let text = string(pair.value, "\(path).from") else { valid = false; continue }
                if text.isEmpty {
                    log.error("empty", at: pair.value.mark, "\(path).from must name a job (a shot's id, 'scene/shot' or 'shot~2')")
                    valid = false
                }
                job = text
            case "output":
                guard let number = integer(pair.value, "\(path).output") else { valid = false; continue }
                guard number >= 1 else {
                    log.error("range", at: pair.value.mark, "\(path).output \(number) is out of range: outputs are counted from 1")
                    valid = false
                    continue
                }
                output = number
            case "frame":
                guard let parsed = frameSelector(pair.value, path: "\(path).frame") else { valid = false; continue }
                guard kind == .image else {
                    log.error(
                        "reference_kind", at: pair.value.mark,
                        "\(path).frame gives an image (a PNG of that frame); \(path) takes \(kind == .video ? "a video" : "audio"): drop 'frame' to take the whole output"
                    )
                    valid = false
                    continue
                }
                frame = parsed
            default:
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in the reference of \(path)" + DidYouMean.hint(name, among: Self.referenceKeys))
                valid = false
            }
        }
        guard let job else {
            if valid { log.error("missing", at: mapping.mark, "the reference of \(path) is missing required 'from' (the job whose output it takes)") }
            return nil
        }
        return valid ? JobReference(job: job, output: output, frame: frame, mark: mapping.mark) : nil
    }

    /// `first`, `last`, or a time in seconds (at least 0).
    private mutating func frameSelector(_ node: Node, path: String) -> JobReference.Frame? {
        guard case .scalar(let scalar) = node else {
            log.error("type", at: node.mark, "\(path) must be first, last or a time in seconds, found \(node.kindDescription)")
            return nil
        }
        switch scalar.resolved {
        case .string("first"): return .first
        case .string("last"): return .last
        case .int(let value) where value >= 0: return .seconds(Double(value))
        case .float(let value) where value >= 0 && value.isFinite: return .seconds(value)
        case .int, .float:
            log.error("range", at: node.mark, "\(path) \(scalar.value) is out of range: a time is at least 0 seconds")
            return nil
        default:
            log.error("frame", at: node.mark, "\(path) must be first, last or a time in seconds, found '\(scalar.value)'" + DidYouMean.hint(scalar.value, among: ["first", "last"]))
            return nil
        }
    }

    /// Records a shot that may be referenced, and the references its body makes.
    mutating func recordGraphShot(id: String, takes: Int, body: RequestBody, at mark: Mark) {
        let shot = graphShots.count
        graphShots.append(GraphShot(
            id: id, takes: takes, outputs: body.outputs, kind: body.schema.outputKind, modelID: body.schema.modelID, seconds: body.seconds?.value, mark: mark
        ))
        guard sawReferences else { return }
        func walk(_ value: BodyValue, kind: ModelSchema.Field.Kind, path: String) {
            switch (value, kind) {
            case (.media(.reference(let reference)), .media(let mediaKind)):
                referenceUses.append(ReferenceUse(shot: shot, reference: reference, fieldKind: mediaKind, path: path))
            case (.list(let items), .list(let itemKind, _, _)):
                for (index, item) in items.enumerated() { walk(item, kind: itemKind, path: "\(path)[\(index + 1)]") }
            case (.segments(let items), .objects(let fields, _, _)):
                for (index, item) in items.enumerated() {
                    for (field, value) in zip(fields, item) { walk(value, kind: field.kind, path: "\(path)[\(index + 1)].\(field.name)") }
                }
            default:
                break
            }
        }
        for (field, value) in zip(body.schema.fields, body.values) { walk(value, kind: field.kind, path: field.name) }
    }

    /// Every reference checked against the shots it names: the id exists (a shot with takes is referenced by one
    /// take), the output kind fits, a frame comes from a video within its planned length; then no cycle.
    mutating func checkReferences() {
        guard !referenceUses.isEmpty else { return }
        var byID: [String: (shot: Int, take: Int?)] = [:]
        for (index, shot) in graphShots.enumerated() {
            if shot.takes == 1 {
                byID[shot.id] = (index, nil)
            } else {
                for take in 1...shot.takes { byID["\(shot.id)~\(take)"] = (index, take) }
            }
        }
        var takesOf: [String: Int] = [:]
        for shot in graphShots where shot.takes > 1 { takesOf[shot.id] = shot.takes }
        var edges = [[(to: Int, use: ReferenceUse)]](repeating: [], count: graphShots.count)
        var reported: Set<String> = []
        func once(_ use: ReferenceUse, _ what: String) -> Bool {
            reported.insert("\(use.reference.mark.line):\(use.reference.mark.column):\(what)").inserted
        }
        for use in referenceUses {
            let reference = use.reference
            let target = reference.job
            guard let (sourceIndex, _) = byID[target] else {
                guard once(use, "id") else { continue }
                if let takes = takesOf[target] {
                    log.error(
                        "reference", at: reference.mark,
                        "\(use.path) takes '\(target)', which has \(takes) takes: reference one of them ('\(target)~1' to '\(target)~\(takes)')"
                    )
                } else {
                    let known = Array(byID.keys) + Array(takesOf.keys)
                    log.error("reference", at: reference.mark, "\(use.path) takes the output of '\(target)', which is no job of this manifest" + DidYouMean.hint(target, among: known))
                }
                continue
            }
            let source = graphShots[sourceIndex]
            edges[use.shot].append((sourceIndex, use))
            if let frame = reference.frame {
                if source.kind != .video {
                    if once(use, "kind") {
                        log.error("reference_kind", at: reference.mark, "\(use.path) takes a frame of '\(target)', which renders \(Self.describe(source.kind)) (model \(source.modelID)), not a video")
                    }
                } else if case .seconds(let time) = frame, let length = source.seconds, time >= length {
                    if once(use, "time") {
                        log.error("reference_frame", at: reference.mark, "\(use.path) takes the frame at \(frame.text) s of '\(target)', past its end: it is planned \(JSONValueFormat.seconds(length)) s long")
                    }
                }
            } else if source.kind == .unknown {
                if once(use, "kind") {
                    log.error("reference_kind", at: reference.mark, "\(use.path) takes the output of '\(target)', whose model \(source.modelID) renders an output of unknown kind; it cannot feed a reference")
                }
            } else if Self.mediaKind(source.kind) != use.fieldKind {
                if once(use, "kind") {
                    let hint = source.kind == .video && use.fieldKind == .image ? " (add 'frame: first', 'frame: last' or a time to take one of its frames)" : ""
                    log.error(
                        "reference_kind", at: reference.mark,
                        "\(use.path) takes \(Self.describe(use.fieldKind)), and '\(target)' renders \(Self.describe(source.kind)) (model \(source.modelID))\(hint)"
                    )
                }
            }
            if let output = reference.output, output > source.outputs, once(use, "output") {
                log.error("reference_output", at: reference.mark, "\(use.path) takes output \(output) of '\(target)', which makes \(source.outputs) output\(source.outputs == 1 ? "" : "s")")
            }
        }
        checkCycles(edges)
    }

    /// Each cycle of references once, listed with the line of each reference in it.
    private mutating func checkCycles(_ edges: [[(to: Int, use: ReferenceUse)]]) {
        // 0: not seen, 1: on the current path, 2: done.
        var color = [UInt8](repeating: 0, count: edges.count)
        var path: [(shot: Int, use: ReferenceUse?)] = []
        var seenCycles: Set<[Int]> = []
        for start in edges.indices where color[start] == 0 && !edges[start].isEmpty {
            // Iterative DFS: a long chain must not overflow the stack.
            var stack: [(shot: Int, next: Int)] = [(start, 0)]
            color[start] = 1
            path = [(start, nil)]
            while var top = stack.popLast() {
                if top.next < edges[top.shot].count {
                    let edge = edges[top.shot][top.next]
                    top.next += 1
                    stack.append(top)
                    if color[edge.to] == 1 {
                        // A cycle: from where `edge.to` sits on the path, back to it.
                        guard let from = path.firstIndex(where: { $0.shot == edge.to }) else { continue }
                        let members = path[from...].map(\.shot)
                        let canonical = Self.rotated(members)
                        guard seenCycles.insert(canonical).inserted else { continue }
                        let uses = path[(from + 1)...].compactMap(\.use) + [edge.use]
                        reportCycle(members: members, uses: uses)
                    } else if color[edge.to] == 0 {
                        color[edge.to] = 1
                        path.append((edge.to, edge.use))
                        stack.append((edge.to, 0))
                    }
                } else {
                    color[top.shot] = 2
                    path.removeLast()
                }
            }
        }
    }

    private mutating func reportCycle(members: [Int], uses: [ReferenceUse]) {
        let names = members.map { graphShots[$0].id } + [graphShots[members[0]].id]
        let notes = uses.map { use in
            Diagnostic.Note(at: use.reference.mark, "'\(graphShots[use.shot].id)' takes '\(use.reference.job)' here (\(use.path))")
        }
        let message = members.count == 1
            ? "shot '\(names[0])' takes its own output (\(uses.first?.path ?? "a media field")); a shot cannot feed itself"
            : "a cycle of references: \(names.joined(separator: " → ")); each shot would wait for another forever"
        log.error("reference_cycle", at: uses.first?.reference.mark ?? graphShots[members[0]].mark, message, notes: Array(notes.dropFirst()))
    }

    /// A cycle written from its smallest member, so each is reported once whichever shot the search met first.
    private static func rotated(_ members: [Int]) -> [Int] {
        guard let low = members.indices.min(by: { members[$0] < members[$1] }) else { return members }
        return Array(members[low...] + members[..<low])
    }

    static func mediaKind(_ kind: CatalogEntry.OutputKind) -> MediaKind? {
        switch kind {
        case .video: .video
        case .image: .image
        case .audio: .audio
        case .unknown: nil
        }
    }

    private static func describe(_ kind: CatalogEntry.OutputKind) -> String {
        switch kind {
        case .video: "a video"
        case .image: "an image"
        case .audio: "audio"
        case .unknown: "an output of unknown kind"
        }
    }

    private static func describe(_ kind: MediaKind) -> String {
        switch kind {
        case .video: "a video"
        case .image: "an image"
        case .audio: "audio"
        }
    }
}

/// Seconds as the messages write them: `5`, `2.5`.
enum JSONValueFormat {
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
