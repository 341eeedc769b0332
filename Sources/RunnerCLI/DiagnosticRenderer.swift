import JobManifest
import YAML

/// Renders a manifest's diagnostics compiler style, each with its source line and caret.
enum DiagnosticRenderer {
    /// Every diagnostic, in order, then a count line; the source is read once for all of them.
    static func render(_ diagnostics: [Diagnostic], path: String) -> String {
        let source = diagnostics.contains { $0.mark != nil } ? SourceText.load(.file(path: path)) : nil
        var lines = diagnostics.map { $0.rendered(name: path, source: source) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        if errors > 0 {
            lines.append("\(path): \(plural(errors, "error"))" + (warnings > 0 ? ", \(plural(warnings, "warning"))" : ""))
        }
        return lines.joined(separator: "\n")
    }

    /// `1 job`, `2 jobs`.
    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
