import ModelAPI
import ResultsLedger
import Scheduling

/// What to tell the user when this machine, not the service, stopped the run: how much to free, and where.
struct LocalFailureAdvice {
    /// The advice, or `nil` when nothing local went wrong.
    let text: String?

    init(result: BatchResult, summary: RunSummary) {
        let folder = summary.folder
        let waiting = summary.records.filter { $0.state == .rendered || $0.state == .downloadFailed }
        let ledgerFull = result.ledgerFailure?.isDiskFull == true
        if ledgerFull || result.localFailure?.code == "disk_full" {
            // Room for every video still to fetch, at the size of those fetched so far, and for the ledger.
            let sizes = summary.records.compactMap(\.bytes)
            let average = sizes.isEmpty ? 32 << 20 : sizes.reduce(0, +) / sizes.count
            let megabytes = (waiting.count * average + (1 << 20)) / (1 << 20) + 1
            text = "the disk holding \(folder) is full: free at least \(megabytes) MB there (see 'df -h \(folder)'), then run the same command again. "
                + (ledgerFull
                    ? "The ledger holds whole lines only and every request id it was given; "
                    : "New submits stopped and the jobs in flight were followed to their end; ")
                + "\(waiting.count) rendered videos wait to be downloaded, and nothing will be paid for twice."
        } else if let failure = result.localFailure {
            text = "videos cannot be written into \(folder) (\(failure.code): \(failure.message)): fix the folder, then run again; "
                + "\(waiting.count) rendered videos wait to be downloaded."
        } else {
            text = nil
        }
    }
}
