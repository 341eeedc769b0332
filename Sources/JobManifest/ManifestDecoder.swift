import YAML

/// Turns a manifest's node tree into jobs, reporting every problem it finds in one pass.
struct ManifestDecoder {
    /// Where relative image paths point.
    enum Assets {
        case none
        case url(String)
        case folder(String)
    }

    var log = DiagnosticLog()
    var inspector = ImageInspector()
    var schema: ModelSchema = .klingO3ProImageToVideo
    var assets: Assets = .none
    /// The manifest's folder, absolute: relative paths are read from here, never from the working directory.
    let manifestFolder: String
    /// Whether to keep each job (with its key); `validate` only needs the counts.
    let collectsJobs: Bool
    var jobs: [Job] = []
    var shotCount = 0
    var jobCount = 0
    var totalSeconds = 0

    static let topLevelKeys = ["version", "model", "assets", "defaults", "shots", "scenes"]
    static let sceneKeys = ["id", "defaults", "shots"]

    init(manifestFolder: String, collectsJobs: Bool) {
        self.manifestFolder = manifestFolder
        self.collectsJobs = collectsJobs
    }

    /// Decodes the whole manifest. The tree is consumed as it goes: each shot's nodes are freed once its jobs
    /// exist, so a 100,000-shot manifest never holds its whole tree and all its jobs at once.
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
            guard let name = keyName(pair.key, in: "the manifest") else { continue }
            guard Self.topLevelKeys.contains(name) else {
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' at the top level" + DidYouMean.hint(name, among: Self.topLevelKeys))
                continue
            }
            positions[name] = position
        }

        if let version = positions["version"].map({ pairs[$0].value }) {
            if let number = integer(version, "version"), number != 1 {
                log.error("version", at: version.mark, "unsupported version \(number); this shotrunner reads version 1")
            }
        } else {
            log.error("missing", at: topMark, "the manifest is missing required 'version' (write 'version: 1')")
        }
        if let model = positions["model"].map({ pairs[$0].value }), let name = string(model, "model") {
            if let known = ModelSchema.named(name) {
                schema = known
            } else {
                let names = ModelSchema.known.map(\.modelID)
                log.error("model", at: model.mark, "unknown model '\(name)'; shotrunner knows \(names.joined(separator: ", "))")
            }
        }
        if let position = positions["assets"] { decodeAssets(pairs[position].value) }
        let defaults = positions["defaults"].map { layer(pairs[$0].value, context: "defaults", allowsID: false) }
            ?? Layer(count: schema.fields.count)

        guard positions["shots"] != nil || positions["scenes"] != nil else {
            log.error("no_shots", at: topMark, "the manifest has no shots (write 'shots:' or 'scenes:')")
            return
        }
        var sceneIDs = IDRegistry()
        var topShotIDs = IDRegistry()
        // Jobs come in file order: `shots` first if it comes first. Each is taken out of the tree to be consumed.
        for position in [positions["shots"], positions["scenes"]].compactMap({ $0 }).sorted() {
            let node = pairs[position].value
            pairs[position].value = .scalar(Node.Scalar("", mark: topMark))
            if position == positions["shots"] {
                shots(node, scene: nil, defaults: [defaults], registry: &topShotIDs)
            } else {
                scenes(node, defaults: defaults, registry: &sceneIDs)
            }
        }
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

    private mutating func scenes(_ node: consuming Node, defaults: Layer, registry: inout IDRegistry) {
        guard var items = takeItems(node, "scenes") else { return }
        for index in items.indices {
            let item = items[index]
            items[index] = .scalar(Node.Scalar("", mark: item.mark))
            guard let scene = mapping(item, "a scene") else { continue }
            var idPair: Node.Pair?
            var defaultsNode: Node?
            var shotsNode: Node?
            for pair in scene.pairs {
                guard let name = keyName(pair.key, in: "a scene") else { continue }
                switch name {
                case "id": idPair = pair
                case "defaults": defaultsNode = pair.value
                case "shots": shotsNode = pair.value
                default:
                    let context = idPair.flatMap { $0.value.scalar?.value }.map { "scene '\($0)'" } ?? "a scene"
                    log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' in \(context)" + DidYouMean.hint(name, among: Self.sceneKeys))
                }
            }
            var sceneID: String?
            if let idPair {
                sceneID = identifier(idPair.value, registry: &registry, what: "scene id")
            } else {
                log.error("missing", at: scene.mark, "a scene is missing required 'id'")
            }
            let context = "the defaults of scene '\(sceneID ?? "?")'"
            let sceneDefaults = defaultsNode.map { layer($0, context: context, allowsID: false) } ?? Layer(count: schema.fields.count)
            guard let shotsNode else {
                log.error("missing", at: scene.mark, "scene '\(sceneID ?? "?")' is missing required 'shots'")
                continue
            }
            var shotIDs = IDRegistry()
            // Without a valid scene id its shots are still checked, but make no jobs.
            shots(shotsNode, scene: sceneID ?? "", defaults: [defaults, sceneDefaults], registry: &shotIDs, makesJobs: sceneID != nil)
        }
    }
}

/// Ids seen so far in one container, ignoring case, with where each was first used.
struct IDRegistry {
    private var seen: [String: Mark] = [:]

    /// Records an id; returns the mark of its first use if it was used before.
    mutating func insert(_ id: String, at mark: Mark) -> Mark? {
        let folded = id.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? id.lowercased() : id
        if let first = seen[folded] { return first }
        seen[folded] = mark
        return nil
    }
}
