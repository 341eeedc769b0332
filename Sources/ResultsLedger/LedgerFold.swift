
/// The ledger folded into state: per job id and key, what happened. `status`, `report` and resume all read the
/// ledger through this one function.
public struct LedgerFold: Sendable, Equatable {
    /// A job as the latest `run_started` listed it (its `index` its place in the list where the line has none).
    public typealias PlannedJob = LedgerEvent.ListedJob

    /// The base URL the folder was made against (the first `run_started`).
    public var baseURL: String?
    /// The manifest of the latest run.
    public var manifestPath: String?
    /// The jobs of the latest `run_started`, in order.
    public var planned: [PlannedJob] = []
    /// The schema digest of each catalogue model as the latest run that listed them read it.
    public var modelDigests: [String: String] = [:]
    /// What the latest job list was made from (its manifest's SHA-256, its models' digests, the filter and the
    /// media files), and when that list was written: a resume that finds all of it unchanged reuses the list.
    public var latestInputs: ListInputs?

    /// What a recorded job list was made from.
    public struct ListInputs: Sendable, Equatable {
        /// The time of the `run_started` that wrote the list.
        public var listedAt: String
        public var manifestSHA256: String
        public var models: [String: String]
        public var inputs: LedgerEvent.RunInputs
    }
    /// Every record (one per job id and key), in the order each was first written.
    public internal(set) var allRecords: [JobRecord] = []
    /// Where a job's first record is in `allRecords`; a job with renders under other keys (an edited shot) has
    /// the rest in `laterKeys`. One flat table, not a dictionary per job: at 100,000 jobs that saves about 60 MB.
    private var firstRecord: [String: Int] = [:]
    private var laterKeys: [String: [Int]] = [:]
    /// When the folder's first run started, and the time of its latest line.
    public var firstStartedAt: String?
    public var lastEventAt: String?

    /// The fold of no line.
    public init() {}

    /// Folds events in order.
    public init(_ events: [LedgerEvent]) {
        for event in events { apply(event) }
    }

    /// Records by job id, then key.
    public var records: [String: [String: JobRecord]] {
        var result: [String: [String: JobRecord]] = [:]
        for record in allRecords { result[record.id, default: [:]][record.key] = record }
        return result
    }

    /// The record for a job and key (a fresh pending one if the ledger has none).
    public func record(_ id: String, key: String) -> JobRecord {
        position(id, key: key).map { allRecords[$0] } ?? JobRecord(id: id, key: key)
    }

    /// Every record of a job under keys other than `key` (renders superseded by an edit), oldest first.
    public func otherRecords(_ id: String, except key: String) -> [JobRecord] {
        guard let first = firstRecord[id] else { return [] }
        return ([first] + (laterKeys[id] ?? [])).map { allRecords[$0] }.filter { $0.key != key }
    }

    /// Spend over everything ever submitted from the folder: every submit that may have started, at its
    /// estimate until the API's recorded cost replaces it (`JobRecord.spend`, the one definition). Kept as lines
    /// are folded, so reading it costs nothing.
    public internal(set) var spent = 0.0
    /// `spent` when the latest `run_started` was folded: what the folder had spent before its latest run.
    public internal(set) var spentBeforeLatestRun = 0.0
    /// What the folder's spend changed by since its latest run started: that run's part.
    public var spentInLatestRun: Double { spent - spentBeforeLatestRun }
    /// Each shot's picked take (shot id: job id), as `pick` recorded it.
    public internal(set) var picks: [String: String] = [:]
    /// Approvals, retakes and notes (`decisions.jsonl`), folded after the ledger; never in its checkpoint.
    public internal(set) var decisions = Decisions()
    /// The latest price line per model (model id: base price, unit, source).
    public internal(set) var prices: [String: RecordedPrice] = [:]

    /// A model's price as a run recorded it.
    public struct RecordedPrice: Sendable, Equatable {
        public var basePriceUSD: Double
        public var unit: String
        public var source: String
    }

    /// Each dependent's key in the latest run: as `run_started` listed it when its sources existed then, else as
    /// `inputs_resolved` recorded it once they did (where `run_started` could only list `after:<sources>`).
    public internal(set) var resolvedKeys: [String: String] = [:]

    /// The key a job listed under `listed` now renders under (its resolved key, once its sources were built).
    public func currentKey(_ id: String, listed: String) -> String {
        resolvedKeys[id] ?? listed
    }

    /// The record of a job as `status` shows it: under its resolved key once its body was built.
    public func currentRecord(_ id: String, listed: String) -> JobRecord {
        record(id, key: currentKey(id, listed: listed))
    }

    /// Rebuilds where each job's records are from `allRecords` (after they were read from a checkpoint).
    mutating func rebuildIndex() {
        firstRecord = [:]
        laterKeys = [:]
        firstRecord.reserveCapacity(allRecords.count)
        // By index: binding each record would copy it (a retain and a release of every field, measured: a third
        // of this loop).
        for index in allRecords.indices {
            let id = allRecords[index].id
            if firstRecord[id] == nil { firstRecord[id] = index } else { laterKeys[id, default: []].append(index) }
        }
    }

    func position(_ id: String, key: String) -> Int? {
        guard let first = firstRecord[id] else { return nil }
        return position(id, key: key, first: first)
    }

    /// The same, trying `hint` first: a job's record usually lies at its place in the latest list (a record is
    /// the only one of its id and key, so a hit is the answer), which spares the lookups by id.
    func position(_ id: String, key: String, hint: Int) -> Int? {
        if hint >= 0, hint < allRecords.count, allRecords[hint].id == id, allRecords[hint].key == key { return hint }
        return position(id, key: key)
    }

    private func position(_ id: String, key: String, first: Int) -> Int? {
        if allRecords[first].key == key { return first }
        return laterKeys[id]?.first { allRecords[$0].key == key }
    }

    /// Applies one event.
    public mutating func apply(_ event: LedgerEvent) {
        let time = event.time
        if !time.isEmpty { lastEventAt = time }
        switch event.payload {
        case .runStarted(let start):
            applyRunStarted(start, time: time)
            return
        case .picked(let pick):
            if let shot = pick.shot, !event.job.isEmpty { picks[shot] = event.job }
            return
        case .unpicked(let pick):
            if let shot = pick.shot { picks[shot] = nil }
            return
        case .runFinished:
            return
        case .approved, .unapproved, .retakeRequested, .retakeWithdrawn, .note:
            decisions.apply(event)
            return
        case .inputsResolved(let resolution):
            if !event.job.isEmpty, let key = resolution.key { resolvedKeys[event.job] = key }
        case .price(let price):
            if let model = price.model, let base = price.basePriceUSD {
                prices[model] = RecordedPrice(basePriceUSD: base, unit: price.unit ?? "second", source: price.source ?? "estimate")
            }
            return
        default:
            break
        }
        let job = event.job
        guard !job.isEmpty, let key = event.payload.key else { return }
        let index: Int
        if let known = position(job, key: key) {
            index = known
        } else {
            index = allRecords.count
            allRecords.append(JobRecord(id: job, key: key))
            if firstRecord[job] == nil { firstRecord[job] = index } else { laterKeys[job, default: []].append(index) }
        }
        // Changed where it lies: a record copied out and back costs a retain and a release of every field, which
        // for a 400,000-line ledger was most of the fold.
        let before = allRecords[index].spend
        allRecords[index].apply(event.payload, time: time)
        spent += allRecords[index].spend - before
    }

    /// A run begins: the spend before it, the inputs its list was made from, and its job list.
    private mutating func applyRunStarted(_ start: LedgerEvent.RunStart, time: String) {
        spentBeforeLatestRun = spent
        let reused = start.sameJobsAs
        // A run that reuses the list keeps what its dependents were resolved to; a new list starts over.
        if reused == nil { resolvedKeys = [:] }
        let models = Dictionary(start.models.map { ($0.name, $0.value) }) { _, new in new }
        if let sha = start.manifestSHA256, let filter = start.filter, let media = start.media {
            latestInputs = ListInputs(
                listedAt: reused ?? time, manifestSHA256: sha, models: models,
                inputs: LedgerEvent.RunInputs(only: filter.only, shard: filter.shard, media: media)
            )
        } else {
            latestInputs = nil
        }
        if baseURL == nil { baseURL = start.baseURL }
        if firstStartedAt == nil { firstStartedAt = time }
        manifestPath = start.manifest ?? manifestPath
        modelDigests.merge(models) { _, new in new }
        if let jobs = start.jobs { listJobs(jobs) }
    }

    /// A `run_started`'s job list, and room for a record per listed job.
    private mutating func listJobs(_ jobs: [PlannedJob]) {
        planned = jobs
        // A line written before the index was recorded: each job's place in the list.
        if planned.contains(where: { $0.index < 0 || $0.id.isEmpty || $0.key.isEmpty }) {
            planned = jobs.enumerated().compactMap { position, job in
                guard !job.id.isEmpty, !job.key.isEmpty else { return nil }
                var listed = job
                if listed.index < 0 { listed.index = position }
                return listed
            }
        }
        // Room for a record per listed job at once: grown one append at a time, the list of 100,000 records passes
        // through twice its size and leaves up to half of it unused.
        let fresh = planned.reduce(0) { $0 + (firstRecord[$1.id] == nil ? 1 : 0) }
        if fresh > 0 {
            allRecords.reserveCapacity(allRecords.count + fresh)
            firstRecord.reserveCapacity(firstRecord.count + fresh)
        }
        // A dependent listed under its real key (its sources existed when the run began) is found by it. One listed
        // as `after:` starts over: what an earlier run said of it (waiting, blocked) is not news.
        for job in planned where !job.sources.isEmpty {
            if !job.key.hasPrefix("after:") {
                resolvedKeys[job.id] = job.key
            } else if let index = position(job.id, key: job.key) {
                allRecords[index] = JobRecord(id: job.id, key: job.key)
            }
        }
    }
}

extension LedgerFold {
    /// The fold in a checkpoint: every stored field once, in order, the one description its writer and reader
    /// follow (a field added to the fold is added here too, and the checkpoint's format name changes).
    mutating func checkpoint<Coder: CheckpointCoding>(_ c: inout Coder) {
        c.code(&baseURL)
        c.code(&manifestPath)
        c.code(&planned)
        c.code(&modelDigests)
        c.code(&latestInputs, empty: ListInputs(listedAt: "", manifestSHA256: "", models: [:], inputs: .init(only: nil, shard: nil, media: []))) {
            c, latest in
            c.code(&latest.listedAt)
            c.code(&latest.manifestSHA256)
            c.code(&latest.models)
            c.code(&latest.inputs.only)
            c.code(&latest.inputs.shard)
            c.code(&latest.inputs.media)
        }
        checkpointRecords(&c)
        c.code(&firstStartedAt)
        c.code(&lastEventAt)
        c.code(&spent)
        c.code(&spentBeforeLatestRun)
        c.code(&picks)
        c.code(&prices, empty: RecordedPrice(basePriceUSD: 0, unit: "", source: "")) { c, price in
            c.code(&price.basePriceUSD)
            c.code(&price.unit)
            c.code(&price.source)
        }
        c.code(&resolvedKeys)
    }

    /// The records, each read with the key listed at its place (the usual record's), whose string it then shares.
    private mutating func checkpointRecords<Coder: CheckpointCoding>(_ c: inout Coder) {
        var count = allRecords.count
        c.count(&count)
        guard c.reads else {
            for record in allRecords {
                var record = record
                record.checkpoint(&c, listedKey: nil)
                c.boundary()
            }
            return
        }
        allRecords = []
        allRecords.reserveCapacity(count)
        for index in 0..<count {
            var record = JobRecord(id: "", key: "")
            record.checkpoint(&c, listedKey: index < planned.count ? planned[index].key : nil)
            allRecords.append(record)
        }
        rebuildIndex()
    }
}
