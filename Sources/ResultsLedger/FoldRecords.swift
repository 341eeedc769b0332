/// Listed jobs' records as a collection read in place from a fold: a 100,000-job summary or report holds the fold
/// (shared, not copied) and one small integer per job, where an array of records would copy every record (about
/// 300 bytes each) once per reader at the end of a run.
public struct FoldRecords: RandomAccessCollection, Sendable {
    private let fold: LedgerFold
    /// The jobs, as (id, key) listed.
    private let jobs: [(id: String, key: String)]
    /// Each job's record in the fold's list, or -1 where the ledger has none (a fresh pending record).
    private let positions: [Int32]

    /// The jobs listed (id, key), each with what the ledger says of it under its current key.
    public init(fold: LedgerFold, jobs: [(id: String, key: String)]) {
        self.fold = fold
        self.jobs = jobs
        positions = jobs.map { job in fold.position(job.id, key: fold.currentKey(job.id, listed: job.key)).map(Int32.init) ?? -1 }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { jobs.count }

    public subscript(position: Int) -> JobRecord {
        let index = positions[position]
        if index >= 0 { return fold.allRecords[Int(index)] }
        let job = jobs[position]
        return JobRecord(id: job.id, key: fold.currentKey(job.id, listed: job.key))
    }

    /// A job's state, without copying its record.
    public func state(at position: Int) -> JobState {
        let index = positions[position]
        return index >= 0 ? fold.allRecords[Int(index)].state : .pending
    }
}
