import Foundation

/// Where a manifest's run folder is by default: `renders/<manifest-stem>/` beside the manifest
/// (`renders/<stem>-simulated/` with `--simulate`).
enum RunFolderPaths {
    static func defaultFolder(manifest: String, simulated: Bool) -> String {
        let url = URL(fileURLWithPath: manifest).standardizedFileURL
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("renders")
            .appendingPathComponent(simulated ? "\(stem)-simulated" : stem).path
    }

    /// An absolute path for a folder given on the command line.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// UTC timestamps for ledger lines: ISO 8601 with milliseconds.
enum Timestamp {
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
