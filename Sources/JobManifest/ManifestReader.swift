public import YAML

/// Reads a manifest file into jobs, or into every problem it has.
public struct ManifestReader: Sendable {
    /// Creates a reader.
    public init() {}

    /// Reads, expands and validates the manifest at `path`. Relative image paths are read from the manifest's
    /// folder. Throws every error and warning found, sorted by position, if there is any error.
    public func read(path: String) throws(ManifestError) -> Manifest {
        let absolute = Paths.absolute(path)
        return try read(.file(path: path), name: path, folder: Paths.folder(of: absolute))
    }

    /// Reads a manifest from any input, resolving relative image paths against `folder`.
    public func read(_ input: Input, name: String, folder: String) throws(ManifestError) -> Manifest {
        let root: Node?
        do {
            root = try Loader().loadSingle(input)
        } catch {
            throw ManifestError(path: name, diagnostics: [Diagnostic(.error, error.code, at: error.mark, error.message)])
        }
        var decoder = ManifestDecoder(manifestFolder: Paths.absolute(folder))
        if let root {
            decoder.decode(root)
        } else {
            decoder.log.error("empty_file", at: nil, "the manifest is empty (it needs 'version: 1' and shots)")
        }
        let diagnostics = decoder.log.items.sortedByPosition()
        guard decoder.log.errorCount == 0 else { throw ManifestError(path: name, diagnostics: diagnostics) }
        return Manifest(path: name, schema: decoder.schema, shotCount: decoder.shotCount, jobs: decoder.jobs, warnings: diagnostics)
    }
}
