import Foundation
import ResultsLedger
import SharedLedger

extension SharedPointer {
    /// The fold of a folder that points at the shared ledger (its `ledger.url`): every worker's lines read from the
    /// database, then the folder's decisions (`decisions.jsonl`, which the review room, `pick`, `approve` and
    /// `retake` write there). Nil for a folder with its own ledger.
    static func fold(folder: String) async throws(CLIError) -> LedgerFold? {
        guard let pointer = read(folder: folder) else { return nil }
        let url: LedgerURL
        do {
            url = try pointer.ledgerURL(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw .usage("\(folder)/\(fileName) cannot be read: \(error)")
        }
        let batch: SharedBatch?
        do {
            batch = try await SharedBatch.read(url, batch: pointer.batch, timeout: .seconds(10), logger: LedgerOption.quiet)
        } catch {
            throw .setup("the shared ledger at \(url) could not be read: \(String(describing: error))")
        }
        guard var fold = batch?.fold else { throw .setup("the shared ledger at \(url) did not answer within 10 s") }
        do {
            for event in try DecisionLog.read(folder: folder, from: 0).events { fold.apply(event) }
        } catch {
            throw .ledger(error)
        }
        return fold
    }
}
