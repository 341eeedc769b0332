import ArgumentParser
import JobManifest

/// `shotrunner validate MANIFEST...`
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests without rendering anything.",
        discussion: """
            Reports every problem in each manifest at once, as path:line:column: error: message with the source \
            line and a caret, sorted by position. A valid manifest prints one line: \
            'storyboard.yaml: ok, 12 shots, 13 jobs, 94 s of video'. Exit status: 0 when every manifest is valid, \
            2 when any has an error (warnings alone do not fail).
            """
    )

    @Argument(help: ArgumentHelp("The manifests to check.", valueName: "manifest"))
    var manifests: [String]

    @OptionGroup var catalog: CatalogOption

    func validate() throws {
        guard !manifests.isEmpty else { throw ValidationError("Give at least one manifest to check.") }
    }

    func run() throws {
        let console = Console()
        var invalid = 0
        let reader = ManifestReader(mode: .summary, models: try catalog.registry())
        for path in manifests {
            do {
                let manifest = try reader.read(path: path)
                if !manifest.warnings.isEmpty { console.err(DiagnosticRenderer.render(manifest.warnings, path: path)) }
                console.out(
                    "\(path): ok, \(DiagnosticRenderer.plural(manifest.shotCount, "shot")), "
                        + "\(DiagnosticRenderer.plural(manifest.jobCount, "job")), \(manifest.seconds.description)"
                )
            } catch {
                console.err(DiagnosticRenderer.render(error.diagnostics, path: path))
                invalid += 1
            }
        }
        if invalid > 0 { throw CLIError.invalidManifests(count: invalid) }
    }
}
