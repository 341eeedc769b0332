public import YAML

/// Reads a manifest file into jobs, or into every problem it has.
public struct ManifestReader: Sendable {
    /// What a read keeps.
    public enum Mode: Sendable {
        /// Every job with its body and key.
        case jobs
        /// Only the counts (shots, jobs, seconds) and the diagnostics: all a check needs, at a fraction of the
        /// memory and time for a large manifest.
        case summary
    }

    /// What this reader keeps.
    public let mode: Mode
    /// The models manifests may name.
    public let models: ModelRegistry
    /// Whether to decode the shots while the file is read (`ManifestStream`); tests turn it off to compare.
    var streams = true

    /// Creates a reader that knows the models of `models` (the shipped catalogue unless told otherwise).
    public init(mode: Mode = .jobs, models: ModelRegistry = ModelRegistry()) {
        self.mode = mode
        self.models = models
    }

    /// Reads, expands and validates the manifest at `path`. Relative image paths are read from the manifest's
    /// folder. Throws every error and warning found, sorted by position, if there is any error.
    public func read(path: String) throws(ManifestError) -> Manifest {
        let absolute = Paths.absolute(path)
        return try read(.file(path: path), name: path, folder: Paths.folder(of: absolute))
    }

    /// Reads a manifest from any input, resolving relative image paths against `folder`.
    public func read(_ input: Input, name: String, folder: String) throws(ManifestError) -> Manifest {
        let fresh = ManifestDecoder(manifestFolder: Paths.absolute(folder), collectsJobs: mode == .jobs, registry: models)
        let stream = ManifestStream(fresh)
        var decoder: ManifestDecoder
        var root = try load(input, name: name, consumer: streams ? stream : nil)
        if stream.streamed, !stream.mustDecodeWhole, let mark = root?.mark {
            stream.decoder.finish(at: mark)
            decoder = stream.decoder
        } else {
            stream.decoder = fresh
            if stream.mustDecodeWhole {
                root = nil
                root = try load(input, name: name, consumer: nil)
            }
            decoder = fresh
            if let tree = root.take() {
                decoder.decode(tree)
            } else {
                decoder.log.error("empty_file", at: nil, "the manifest is empty (it needs 'version: 1' and shots)")
            }
        }
        let diagnostics = decoder.log.items.sortedByPosition()
        guard decoder.log.errorCount == 0 else { throw ManifestError(path: name, diagnostics: diagnostics) }
        var manifest = Manifest(
            path: name,
            schema: decoder.topSchema,
            models: decoder.models.isEmpty ? [decoder.topSchema] : decoder.models,
            shotCount: decoder.shotCount,
            jobCount: decoder.jobCount,
            totalSeconds: decoder.totalSeconds,
            jobs: decoder.jobs,
            warnings: diagnostics
        )
        manifest.hasReferences = decoder.sawReferences && decoder.jobs.contains { !$0.sources.isEmpty }
        manifest.mediaPaths = decoder.inspector.paths
        manifest.seconds = decoder.seconds
        return manifest
    }

    /// The manifest's tree, its sections' items handed to `consumer` as they are composed if it takes them.
    private func load(_ input: Input, name: String, consumer: ManifestStream?) throws(ManifestError) -> Node? {
        do {
            return try Loader().loadSingle(input, consumer: consumer)
        } catch {
            var notes: [Diagnostic.Note] = []
            if case .duplicateKey(let key, _, let first) = error { notes.append(.init(at: first, "'\(key)' is first written here")) }
            throw ManifestError(path: name, diagnostics: [Diagnostic(.error, error.code, at: error.mark, error.message, notes: notes)])
        }
    }
}
