import YAML

/// The fields written in one mapping (a shot, or a defaults mapping decoded for one model), aligned with that
/// model's schema.
struct Layer {
    /// One slot per schema field; `nil` where the mapping does not write the field.
    var slots: [Slot?]
    /// `takes`, if written (an invalid value counts as 1).
    var takes: Int?
    /// `approve`, if written: the job's dependents wait until it is approved.
    var approve: Bool?
    /// The fields an unknown key of this mapping was taken for (its did-you-mean): such a field is not also
    /// reported missing.
    var misspelt: Set<String> = []

    init(count: Int) {
        slots = [Slot?](repeating: nil, count: count)
    }
}

/// A `defaults` mapping (the top level's or a scene's). Its fields are decoded once for each model a shot under
/// it renders with: a default applies only to shots whose model has that field.
final class DefaultsLayer {
    /// How messages name it: `defaults`, `the defaults of scene 'market'`.
    let context: String
    /// The field keys written, with their nodes (not `id`, `model` or `takes`).
    let fields: [(name: String, pair: Node.Pair)]
    /// `takes`, if written and valid.
    let takes: Int?
    /// `approve`, if written.
    let approve: Bool?
    /// `model`, if written.
    let model: ModelChoice
    let modelMark: Mark?
    /// The layer decoded for each model that used it so far.
    private(set) var decoded: [(schema: ModelSchema, layer: Layer)] = []

    /// Reads the runner's own keys of a defaults mapping and keeps its fields for later.
    init(_ node: Node?, context: String, decoder: inout ManifestDecoder) {
        self.context = context
        var fields: [(name: String, pair: Node.Pair)] = []
        var takes: Int?
        var approve: Bool?
        var model = ModelChoice.inherit
        var modelMark: Mark?
        if let node, let mapping = decoder.mapping(node, context) {
            for pair in mapping.pairs {
                guard let name = decoder.keyName(pair.key, in: context) else { continue }
                switch name {
                case "id":
                    decoder.log.error("id_in_defaults", at: pair.key.mark, "id is not allowed in defaults: each shot names its own")
                case "takes":
                    takes = decoder.takes(pair.value)
                case "approve":
                    approve = decoder.boolean(pair.value, "approve")
                case "model":
                    model = decoder.modelChoice(pair.value)
                    modelMark = pair.value.mark
                default:
                    fields.append((name, pair))
                }
            }
        }
        self.fields = fields
        self.takes = takes
        self.approve = approve
        self.model = model
        self.modelMark = modelMark
    }

    /// The layer for one model, if already decoded.
    func layer(for schema: ModelSchema) -> Layer? {
        decoded.first { $0.schema === schema }?.layer
    }

    func store(_ layer: Layer, for schema: ModelSchema) {
        decoded.append((schema, layer))
    }
}

extension ManifestDecoder {
    /// `takes`: an integer 1..10.
    mutating func takes(_ node: Node) -> Int? {
        guard let takes = integer(node, "takes") else { return nil }
        guard (1...10).contains(takes) else {
            log.error("range", at: node.mark, "takes \(takes) is out of range 1..10")
            return nil
        }
        return takes
    }

    /// A defaults mapping's fields for one model, decoded the first time a shot of that model inherits them. A
    /// default the model has but rejects is an error at the default, with a note at that first shot.
    mutating func layer(of defaults: DefaultsLayer, for schema: ModelSchema, shot: String, at shotMark: Mark) -> Layer {
        if let known = defaults.layer(for: schema) { return known }
        var layer = Layer(count: schema.fields.count)
        layer.takes = defaults.takes
        layer.approve = defaults.approve
        let start = log.items.count
        for (name, pair) in defaults.fields {
            guard let position = schema.position(of: name) else { continue }
            layer.slots[position] = field(schema.fields[position], pair.value, path: name, schema: schema)
        }
        let model = models.count > 1 || schema !== ModelSchema.klingO3ProImageToVideo ? ", which renders with \(schema.modelID)" : ""
        log.addNote(since: start, .init(at: shotMark, "inherited by \(shot)\(model)"))
        defaults.store(layer, for: schema)
        return layer
    }

    /// After the shots under a defaults mapping: a key that is no model's field is an unknown key; one that no
    /// shot's model has is a warning (it applies to nothing).
    mutating func checkUnapplied(_ defaults: DefaultsLayer) {
        let schemas = defaults.decoded.map(\.schema)
        for (name, pair) in defaults.fields where !schemas.contains(where: { $0.position(of: name) != nil }) {
            if !registry.allFieldNames.contains(name) {
                let fields = (schemas.isEmpty ? [topSchema] : schemas).flatMap { $0.fields.map(\.name) }
                let known = ["model", "takes", "approve"] + fields
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in \(defaults.context)" + DidYouMean.hint(name, among: known))
            } else if !schemas.isEmpty {
                let names = schemas.map(\.modelID).joined(separator: ", ")
                log.warning(
                    "unused_default", at: pair.key.mark,
                    "the default '\(name)' applies to no shot: no shot under these defaults renders with a model that has it (\(names))"
                )
            }
        }
    }

    /// Two jobs whose files could share a name: a shot with several outputs (`key-1.png`, `key-2.png`) and a
    /// shot `key-1` in the same folder.
    mutating func checkOutputNames(_ ids: IDRegistry, scene: String?) {
        for shot in ids.multiOutput {
            // A count past any real model's (16 at most seen) is refused by the API anyway; not worth a long loop.
            for number in 1...min(shot.outputs, 1_000) {
                guard let other = ids.singleFile(named: "\(shot.id)-\(number)") else { continue }
                let folder = scene.map { " in scene '\($0)'" } ?? ""
                log.error(
                    "output_name", at: shot.mark,
                    "shot '\(shot.id)' makes \(shot.outputs) outputs, named '\(shot.id)-1' to '\(shot.id)-\(shot.outputs)', and shot '\(other.id)'\(folder) makes a file of the same name; rename one",
                    notes: [.init(at: other.mark, "shot '\(other.id)' is here")]
                )
            }
        }
    }
}
