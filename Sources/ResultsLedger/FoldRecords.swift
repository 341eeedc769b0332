/// Listed jobs' records as a collection read in place from a fold: a 100,000-job summary or report holds the fold
/// (shared, not copied) and one small integer per job, where an array of records would copy every record (about
/// 300 bytes each) once per reader at the end of a run.
public struct FoldRecords: RandomAccessCollection, Sendable {
    /// In one box: a copy of the collection (readers pass it around) is then one reference, not the fold's two
    /// dozen fields retained and released each time (measured: 3% of a resume's end).
    private final class Storage: Sendable {
        let fold: LedgerFold
        /// The jobs, as (id, key) listed.
        let jobs: [(id: String, key: String)]
        /// Each job's record in the fold's list, or -1 where the ledger has none (a fresh pending record).
        let positions: [Int32]
        /// The jobs that wait only for an approval, each with the sources not approved (shown `awaiting_approval`).
        let awaiting: [String: [String]]

        init(fold: LedgerFold, jobs: [(id: String, key: String)], positions: [Int32]) {
            self.fold = fold
            self.jobs = jobs
            self.positions = positions
            awaiting = fold.awaitingApproval()
        }
    }

    private let storage: Storage

    /// The jobs listed (id, key), each with what the ledger says of it under its current key.
    public init(fold: LedgerFold, jobs: [(id: String, key: String)]) {
        let resolved = !fold.resolvedKeys.isEmpty
        let positions = jobs.indices.map { index in
            let job = jobs[index]
            let key = resolved ? fold.currentKey(job.id, listed: job.key) : job.key
            return fold.position(job.id, key: key, hint: index).map(Int32.init) ?? -1
        }
        storage = Storage(fold: fold, jobs: jobs, positions: positions)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.jobs.count }

    public subscript(position: Int) -> JobRecord {
        let index = storage.positions[position]
        let job = storage.jobs[position]
        var record = index >= 0 ? storage.fold.allRecords[Int(index)] : JobRecord(id: job.id, key: storage.fold.currentKey(job.id, listed: job.key))
        if !storage.awaiting.isEmpty, let sources = storage.awaiting[job.id] {
            record.state = .awaitingApproval
            record.waitingOn = sources
        }
        return record
    }

    /// A job's state, without copying its record.
    public func state(at position: Int) -> JobState {
        if !storage.awaiting.isEmpty, storage.awaiting[storage.jobs[position].id] != nil { return .awaitingApproval }
        let index = storage.positions[position]
        return index >= 0 ? storage.fold.allRecords[Int(index)].state : .pending
    }
}
