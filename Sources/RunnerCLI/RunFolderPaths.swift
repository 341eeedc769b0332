import Foundation
import ResultsLedger

/// Where a manifest's run folder is by default: `renders/<manifest-stem>/` beside the manifest
/// (`renders/<stem>-simulated/` with `--simulate`).
enum RunFolderPaths {
    /// Whether a file of the run folder exists: one `access` call (a resume checks 100,000 of them, and
    /// `FileManager.fileExists` took three times as long).
    static func exists(_ file: String, in folder: String) -> Bool {
        access(folder + "/" + file, F_OK) == 0
    }

    /// The same check for many files of one folder: `faccessat` from the folder opened once, so that each look
    /// walks one name instead of the folder's whole path (a resume with nothing to do checks 100,000 files; by
    /// whole paths that took 6% of it).
    final class FileProbe: Sendable {
        private let folder: String
        private let descriptor: Int32

        init(folder: String) {
            self.folder = folder
            descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }

        deinit { if descriptor >= 0 { close(descriptor) } }

        func exists(_ file: String) -> Bool {
            // An absolute path, or an empty one (the folder itself, as `exists` has it), looked at as before.
            guard descriptor >= 0, !file.isEmpty, !file.hasPrefix("/") else { return RunFolderPaths.exists(file, in: folder) }
            return faccessat(descriptor, file, F_OK, 0) == 0
        }
    }

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
