import AtomicFiles
import Foundation
import SharedLedger

/// `RUN_DIR/ledger.url`: a folder whose batch lives in the shared ledger says where (the URL without its password,
/// and the batch), so that `status RUN_DIR` and the other readers find it, and a folder-mode `run` refuses it.
///
///     postgres://render@db.internal:5432/shotrunner?sslmode=require
///     batch nightly
struct SharedPointer: Equatable {
    static let fileName = "ledger.url"

    /// The URL as written (no password: `PGPASSWORD` or the URL given on the command line supplies it).
    var url: String
    var batch: String

    /// The folder's pointer, or nil when it has none (or one that cannot be read as one).
    static func read(folder: String) -> SharedPointer? {
        guard let text = try? String(contentsOfFile: folder + "/" + fileName, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 2, lines[0].hasPrefix("postgres"), lines[1].hasPrefix("batch ") else { return nil }
        return SharedPointer(url: lines[0], batch: String(lines[1].dropFirst("batch ".count)))
    }

    init(url: String, batch: String) {
        (self.url, self.batch) = (url, batch)
    }

    init(_ url: LedgerURL, batch: String) {
        self.init(url: url.description, batch: batch)
    }

    /// Writes the pointer (atomically: readers see the old one or the new one).
    func write(folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AtomicFile.write(Array("\(url)\nbatch \(batch)\n".utf8), to: folder + "/" + Self.fileName)
    }

    /// The ledger's URL, with the password the environment gives (`PGPASSWORD`), or the one given on the command line.
    func ledgerURL(environment: [String: String]) throws -> LedgerURL {
        try LedgerURL(url, environment: environment)
    }
}
