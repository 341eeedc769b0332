import Logging
import SharedLedger

/// A shared ledger named on the command line: `--ledger URL`, else `SHOTRUNNER_LEDGER_URL` (with `PGPASSWORD` when the
/// URL has no password). One reading for every command that takes it.
enum LedgerOption {
    /// The URL, or a usage error saying what is missing or wrong (`hint` names the rest of the command line).
    static func url(_ option: String?, environment: [String: String], hint: String) throws(CLIError) -> LedgerURL {
        guard let text = option ?? environment["SHOTRUNNER_LEDGER_URL"], !text.isEmpty else {
            throw .usage("give the shared ledger: --ledger postgres://USER@HOST/DB\(hint) (or SHOTRUNNER_LEDGER_URL)")
        }
        do {
            return try LedgerURL(text, environment: environment)
        } catch {
            throw .usage(error.description)
        }
    }

    /// No log lines from the database client: a command says what matters itself.
    static let quiet = Logger(label: "shotrunner.ledger", factory: { _ in SwiftLogNoOpLogHandler() })
}
