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
    var jobs: [Job] = []
    var shotCount = 0

    static let topLevelKeys = ["version", "model", "assets", "defaults", "shots", "scenes"]
    static let sceneKeys = ["id", "defaults", "shots"]

    init(manifestFolder: String) {
        self.manifestFolder = manifestFolder
    }

    /// Decodes the whole manifest.
    mutating func decode(_ root: Node) {
        guard case .mapping(let top) = root else {
            log.error("type", at: root.mark, "the manifest must be a mapping (version, shots, ...), found \(root.kindDescription)")
            return
        }
        var nodes: [String: Node.Pair] = [:]
        for pair in top.pairs {
            guard let name = keyName(pair.key, in: "the manifest") else { continue }
            guard Self.topLevelKeys.contains(name) else {
                log.error("unknown_key", at: pair.key.mark, "unknown key '\(name)' at the top level" + DidYouMean.hint(name, among: Self.topLevelKeys))
                continue
            }
            nodes[name] = pair
        }

        if let version = nodes["version"] {
            if let number = integer(version.value, "version"), number != 1 {
                log.error("version", at: version.value.mark, "unsupported version \(number); this shotrunner reads version 1")
            }
        } else {
            log.error("missing", at: top.mark, "the manifest is missing required 'version' (write 'version: 1')")
        }
        if let model = nodes["model"], let name = string(model.value, "model") {
            if let known = ModelSchema.named(name) {
                schema = known
            } else {
                let names = ModelSchema.known.map(\.modelID)
                log.error("model", at: model.value.mark, "unknown model '\(name)'; shotrunner knows \(names.joined(separator: ", "))")
            }
        }
        if let pair = nodes["assets"] { decodeAssets(pair.value) }
        let defaults = nodes["defaults"].map { layer($0.value, context: "defaults", allowsID: false) } ?? Layer(count: schema.fields.count)

        guard nodes["shots"] != nil || nodes["scenes"] != nil else {
            log.error("no_shots", at: top.mark, "the manifest has no shots (write 'shots:' or 'scenes:')")
            return
        }
        var sceneIDs = IDRegistry()
        var topShotIDs = IDRegistry()
        // Jobs come in file order: `shots` first if it comes first.
        for pair in top.pairs {
            guard case .scalar(let key) = pair.key else { continue }
            if key.value == "shots", nodes["shots"]?.key.mark == pair.key.mark {
                shots(pair.value, scene: nil, defaults: [defaults], registry: &topShotIDs)
            } else if key.value == "scenes", nodes["scenes"]?.key.mark == pair.key.mark {
                scenes(pair.value, defaults: defaults, registry: &sceneIDs)
            }
        }
        if shotCount == 0, log.errorCount == 0 {
            log.error("no_shots", at: top.mark, "the manifest has no shots (write 'shots:' or 'scenes:')")
        }
    }

    private mutating func decodeAssets(_ node: Node) {
        guard let text = string(node, "assets") else { return }
        let lower = text.lowercased()
        if text.isEmpty {
            log.error("empty", at: node.mark, "assets must not be empty")
        } else if lower.hasPrefix("https://") {
            assets = .url(text.hasSuffix("/") ? text : text + "/")
        } else if lower.hasPrefix("http://") {
            log.error("assets", at: node.mark, "assets '\(text)' is not https: only https URLs are accepted")
        } else {
            assets = .folder(Paths.join(manifestFolder, text))
        }
    }

    private mutating func scenes(_ node: Node, defaults: Layer, registry: inout IDRegistry) {
        guard let sequence = sequence(node, "scenes") else { return }
        for item in sequence.items {
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
        let folded = id.lowercased()
        if let first = seen[folded] { return first }
        seen[folded] = mark
        return nil
    }
}
