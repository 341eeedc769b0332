import YAML

/// Decodes a manifest while it is still being read: each shot of the top-level `shots` (each scene of `scenes`)
/// is decoded, and its nodes freed, as soon as it is composed. On a large file the decoding then fills the time
/// the composer would spend waiting for libyaml's thread, instead of coming after it.
///
/// That needs everything a shot inherits to come before it in the file. A layout where it does not (a `model`,
/// `assets` or `defaults` after the first section, or a `<<` merge key at the top level) sets `mustDecodeWhole`:
/// the caller then reads the file again and decodes the tree whole, as a stream cannot. What this decoder saw
/// counts only if the load returned without error.
final class ManifestStream: RootMappingConsumer {
    var decoder: ManifestDecoder
    /// Some section was decoded as it streamed: `decoder` holds its work, and the tree's value there is empty.
    private(set) var streamed = false
    /// The layout cannot be decoded as a stream; `decoder` must be thrown away.
    private(set) var mustDecodeWhole = false
    /// The top-level pairs already taken into account (the streamed ones included).
    private var handled = 0
    /// The settings written before the first section, by name; read when that section starts.
    private var settings: [String: Node] = [:]
    private var settingsRead = false
    private var current: ManifestDecoder.Section = .shots

    init(_ decoder: ManifestDecoder) {
        self.decoder = decoder
    }

    func startsItems(key: Node, after pairs: ArraySlice<Node.Pair>) -> Bool {
        take(pairs)
        guard !mustDecodeWhole, case .scalar(let scalar) = key, case .string(let name) = scalar.resolved else { return false }
        let section: ManifestDecoder.Section
        switch name {
        case "shots": section = .shots
        case "scenes": section = .scenes
        default: return false
        }
        readSettings()
        handled = pairs.count + 1
        streamed = true
        current = section
        decoder.beginSection()
        return true
    }

    func item(_ node: consuming Node) {
        decoder.sectionItem(current, node)
    }

    func endItems() {
        decoder.endSection(current)
    }

    func rootEnded(_ pairs: ArraySlice<Node.Pair>) {
        guard streamed else { return }
        take(pairs)
    }

    /// The pairs not yet taken into account, in file order.
    private func take(_ pairs: ArraySlice<Node.Pair>) {
        guard !mustDecodeWhole, handled < pairs.count else { return }
        for pair in pairs.dropFirst(handled) {
            guard !pair.key.isMergeKey else {
                mustDecodeWhole = true
                return
            }
            guard let name = decoder.topLevelKey(pair.key) else { continue }
            switch name {
            case "version":
                decoder.checkVersion(pair.value)
            case "shots", "scenes":
                // Not a sequence streamed item by item (an alias, or the wrong kind of node): decoded whole here.
                readSettings()
                decoder.section(name == "shots" ? .shots : .scenes, pair.value)
            default:
                guard !settingsRead else {
                    mustDecodeWhole = true
                    return
                }
                settings[name] = pair.value
            }
        }
        handled = pairs.count
    }

    private func readSettings() {
        guard !settingsRead else { return }
        settingsRead = true
        decoder.readSettings(model: settings["model"], assets: settings["assets"], defaults: settings["defaults"])
        settings = [:]
    }
}
