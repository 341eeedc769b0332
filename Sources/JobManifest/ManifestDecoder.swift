import ModelCatalog
import YAML

/// Turns a manifest's node tree into jobs, reporting every problem it finds in one pass.
struct ManifestDecoder {
    /// Where relative media paths point.
    enum Assets {
        case none
        case url(String)
        case folder(String)
    }

    var log = DiagnosticLog()
    var inspector = MediaInspector()
    /// The models the manifest may name.
    let registry: ModelRegistry
    /// The top level's model (`model`, else `defaults.model`), the seed's when neither is written.
    var topSchema: ModelSchema = .klingO3ProImageToVideo
    /// Every model some shot renders with, in order of first use.
    var models: [ModelSchema] = []
    var assets: Assets = .none
    /// The manifest's folder, absolute: relative paths are read from here, never from the working directory.
    let manifestFolder: String
    /// Whether to keep each job (with its key); `validate` only needs the counts.
    let collectsJobs: Bool
    var jobs: [Job] = []
    /// Whether some media field takes another job's output; then every shot is recorded as a possible source.
    var sawReferences = false
    var graphShots: [GraphShot] = []
    var referenceUses: [ReferenceUse] = []
    var shotCount = 0
    var jobCount = 0
    var totalSeconds = 0
    var seconds = MediaSeconds()
    /// The top level's defaults (as the one layer its shots inherit) and model choice, once read (`readSettings`).
    var topDefaults: [DefaultsLayer] = []
    var inherited = ModelChoice.inherit
    var sawVersion = false
    var sawSection = false
    /// Scene ids, and the ids of the top-level `shots`.
    var sceneIDs = IDRegistry()
    var topShotIDs = IDRegistry()

    /// The two keys whose values hold shots.
    enum Section {
        case shots
        case scenes
    }

    static let topLevelKeys = ["version", "model", "assets", "defaults", "shots", "scenes"]
    static let sceneKeys = ["id", "model", "defaults", "shots"]
    /// The runner's own keys of a shot, beside its model's fields.
    static let runnerKeys = ["id", "model", "takes", "approve"]

    init(manifestFolder: String, collectsJobs: Bool, registry: ModelRegistry) {
        self.manifestFolder = manifestFolder
        self.collectsJobs = collectsJobs
        self.registry = registry
    }

    /// Decodes the whole manifest from its tree. The tree is consumed as it goes: each shot's nodes are freed
    /// once its jobs exist, so a 100,000-shot manifest never holds its whole tree and all its jobs at once.
    /// (`ManifestStream` does the same while the file is still being read, when its layout allows.)
    mutating func decode(_ root: consuming Node) {
        let rootMark = root.mark
        let rootKind = root.kindDescription
        guard case .mapping(var top) = consume root else {
            log.error("type", at: rootMark, "the manifest must be a mapping (version, shots, ...), found \(rootKind)")
            return
        }
        let topMark = top.mark
        var pairs = top.pairs
        top.pairs = []
        var positions: [String: Int] = [:]
        for (position, pair) in pairs.enumerated() {
            guard let name = topLevelKey(pair.key) else { continue }
            positions[name] = position
        }
        if let position = positions["version"] { checkVersion(pairs[position].value) }
        let value = { (name: String) in positions[name].map { pairs[$0].value } }
        readSettings(model: value("model"), assets: value("assets"), defaults: value("defaults"))
        // Jobs come in file order: `shots` first if it comes first. Each is taken out of the tree to be consumed.
        for position in [positions["shots"], positions["scenes"]].compactMap({ $0 }).sorted() {
            let node = pairs[position].value
            pairs[position].value = .scalar(Node.Scalar("", mark: topMark))
            section(position == positions["shots"] ? .shots : .scenes, node)
        }
        finish(at: topMark)
    }

    /// The name of a top-level key, if it is one the manifest may have; an error otherwise.
    mutating func topLevelKey(_ key: Node) -> String? {
        guard let name = keyName(key, in: "the manifest") else { return nil }
        guard Self.topLevelKeys.contains(name) else {
            log.error("unknown_key", at: key.mark, "unknown key '\(name)' at the top level" + DidYouMean.hint(name, among: Self.topLevelKeys))
            return nil
        }
        return name
    }

    /// `version`: only 1 is read.
    mutating func checkVersion(_ version: Node) {
        sawVersion = true
        if let number = integer(version, "version"), number != 1 {
            log.error("version", at: version.mark, "unsupported version \(number); this shotrunner reads version 1")
        }
    }

    /// The top level's `model`, `assets` and `defaults`, which every shot inherits: read once, before any shot.
    mutating func readSettings(model: Node?, assets: Node?, defaults node: Node?) {
        let topChoice = model.map { modelChoice($0) } ?? .inherit
        if let assets { decodeAssets(assets) }
        let defaults = DefaultsLayer(node, context: "defaults", decoder: &self)
        if let model, case .model = defaults.model, let written = defaults.modelMark {
            log.error(
                "model", at: written, "the manifest names its model twice, as 'model' and as 'defaults.model'; keep one",
                notes: [.init(at: model.mark, "the top-level 'model' is here")]
            )
        }
        inherited = defaults.model.or(topChoice)
        if case .model(let schema) = inherited { topSchema = schema }
        topDefaults = [defaults]
    }

    /// A whole `shots` or `scenes` value.
    mutating func section(_ kind: Section, _ node: consuming Node) {
        beginSection()
        eachItem(of: node, kind == .shots ? "shots" : "scenes") { decoder, item in decoder.sectionItem(kind, item) }
        endSection(kind)
    }

    /// A section starts (after `readSettings`).
    mutating func beginSection() {
        sawSection = true
    }

    /// One shot of the top-level `shots`, or one scene of `scenes`.
    mutating func sectionItem(_ kind: Section, _ item: consuming Node) {
        if topDefaults.isEmpty { readSettings(model: nil, assets: nil, defaults: nil) }
        switch kind {
        case .shots:
            // Moved out and back (no copy): `shot` may not reach into this decoder's own registry while it runs.
            var ids = IDRegistry()
            swap(&ids, &topShotIDs)
            shot(item, scene: nil, defaults: topDefaults, model: inherited, registry: &ids)
            swap(&ids, &topShotIDs)
        case .scenes: scene(item, defaults: topDefaults[0], model: inherited)
        }
    }

    mutating func endSection(_ kind: Section) {
        if kind == .shots { checkOutputNames(topShotIDs, scene: nil) }
    }

    /// After the last section: what needs every shot seen.
    mutating func finish(at topMark: Mark) {
        if !sawVersion { log.error("missing", at: topMark, "the manifest is missing required 'version' (write 'version: 1')") }
        guard sawSection else {
            log.error("no_shots", at: topMark, "the manifest has no shots (write 'shots:' or 'scenes:')")
            return
        }
        if let defaults = topDefaults.first { checkUnapplied(defaults) }
        checkReferences()
        if shotCount == 0, log.errorCount == 0 {
            log.error("no_shots", at: topMark, "the manifest has no shots (write 'shots:' or 'scenes:')")
        }
    }

    private mutating func decodeAssets(_ node: Node) {
        guard let text = string(node, "assets") else { return }
        if text.isEmpty {
            log.error("empty", at: node.mark, "assets must not be empty")
        } else if Self.hasScheme(text, "https://") {
            assets = .url(text.hasSuffix("/") ? text : text + "/")
        } else if Self.hasScheme(text, "http://") {
            log.error("assets", at: node.mark, "assets '\(text)' is not https: only https URLs are accepted")
        } else {
            assets = .folder(Paths.join(manifestFolder, text))
        }
    }

    /// A `model:` value: a model id the registry knows, else an error with a did-you-mean and a hint to refresh.
    mutating func modelChoice(_ node: Node) -> ModelChoice {
        guard let name = string(node, "model") else { return .invalid }
        if let schema = registry.schema(name) {
            guard schema.hasInputSchema else {
                log.error(
                    "model", at: node.mark,
                    "model '\(name)' has no input schema in the catalogue \(registry.catalog.source) (saved without include_schema=true), so its "
                        + "fields cannot be checked; run 'shotrunner models refresh', or save GET /v1/models?include_schema=true"
                )
                return .invalid
            }
            return .model(schema)
        }
        let source = registry.catalog.source == "snapshot" ? "the shipped catalogue" : "the catalogue \(registry.catalog.source)"
        log.error(
            "model", at: node.mark,
            "unknown model '\(name)': it is not in \(source)" + DidYouMean.hint(name, among: registry.knownIDs)
                + " (see 'shotrunner models list'; 'shotrunner models refresh' fetches the live catalogue)"
        )
        return .invalid
    }

    /// One scene: its own keys, then its shots.
    private mutating func scene(_ item: consuming Node, defaults: DefaultsLayer, model: ModelChoice) {
        guard let scene = mapping(item, "a scene") else { return }
        var idPair: Node.Pair?
        var modelNode: Node?
        var defaultsNode: Node?
        var shotsNode: Node?
        for pair in scene.pairs {
            guard let name = keyName(pair.key, in: "a scene") else { continue }
            switch name {
            case "id": idPair = pair
            case "model": modelNode = pair.value
            case "defaults": defaultsNode = pair.value
            case "shots": shotsNode = pair.value
            default:
                let context = idPair.flatMap { $0.value.scalar?.value }.map { "scene '\($0)'" } ?? "a scene"
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in \(context)" + DidYouMean.hint(name, among: Self.sceneKeys))
            }
        }
        var sceneID: String?
        if let idPair {
            var ids = IDRegistry()
            swap(&ids, &sceneIDs)
            sceneID = identifier(idPair.value, registry: &ids, what: "scene id")
            swap(&ids, &sceneIDs)
        } else {
            log.error("missing", at: scene.mark, "a scene is missing required 'id'")
        }
        let sceneModel = modelNode.map { modelChoice($0) } ?? .inherit
        let sceneDefaults = DefaultsLayer(defaultsNode, context: "the defaults of scene '\(sceneID ?? "?")'", decoder: &self)
        if let modelNode, case .model = sceneDefaults.model, let written = sceneDefaults.modelMark {
            log.error(
                "model", at: written, "scene '\(sceneID ?? "?")' names its model twice, as 'model' and as 'defaults.model'; keep one",
                notes: [.init(at: modelNode.mark, "the scene's 'model' is here")]
            )
        }
        guard let shotsNode else {
            log.error("missing", at: scene.mark, "scene '\(sceneID ?? "?")' is missing required 'shots'")
            return
        }
        var shotIDs = IDRegistry()
        // Without a valid scene id its shots are still checked, but make no jobs.
        shots(
            shotsNode, scene: sceneID ?? "", defaults: [defaults, sceneDefaults], model: sceneDefaults.model.or(sceneModel).or(model),
            registry: &shotIDs, makesJobs: sceneID != nil
        )
        checkOutputNames(shotIDs, scene: sceneID)
        checkUnapplied(sceneDefaults)
    }
}

/// The model chosen at one level of the manifest.
enum ModelChoice {
    /// Not written here: the outer level's choice holds.
    case inherit
    /// A known model.
    case model(ModelSchema)
    /// Written but unknown (already reported): shots under it are not checked against any schema.
    case invalid

    /// This choice, else the outer one.
    func or(_ outer: ModelChoice) -> ModelChoice {
        if case .inherit = self { return outer }
        return self
    }
}

/// Ids seen so far in one container, ignoring case, with where each was first used; and which shots make other
/// than a single file named after them (several takes or several outputs): only a shot with one file can collide
/// with another shot's numbered outputs.
struct IDRegistry {
    private var seen: [String: (mark: Mark, id: String)] = [:]
    private var notSingleFile: Set<String> = []
    /// Shots with several outputs and one take: their files are `id-1`, `id-2`, ...
    var multiOutput: [(id: String, outputs: Int, mark: Mark)] = []

    static func fold(_ id: String) -> String {
        id.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? id.lowercased() : id
    }

    /// Records an id; returns the mark of its first use if it was used before.
    mutating func insert(_ id: String, at mark: Mark) -> Mark? {
        let folded = Self.fold(id)
        if let first = seen[folded] { return first.mark }
        seen[folded] = (mark, id)
        return nil
    }

    /// Records how many files a shot's jobs make (nothing to do for the usual single file).
    mutating func record(_ id: String, takes: Int, outputs: Int, at mark: Mark) {
        guard takes != 1 || outputs != 1 else { return }
        notSingleFile.insert(Self.fold(id))
        if takes == 1 { multiOutput.append((id, outputs, mark)) }
    }

    /// The shot whose single file is named `name`, ignoring case.
    func singleFile(named name: String) -> (mark: Mark, id: String)? {
        let folded = Self.fold(name)
        guard let entry = seen[folded], !notSingleFile.contains(folded) else { return nil }
        return entry
    }
}
