
/// The ledger folded into state: per job id and key, what happened. `status`, `report` and resume all read the
/// ledger through this one function.
public struct LedgerFold: Sendable, Equatable {
    /// A job as the latest `run_started` listed it.
    public struct PlannedJob: Sendable, Equatable {
        public var id: String
        /// Its place in the manifest (ledgers before it was recorded: its place in the list).
        public var index: Int
        public var key: String
        public var duration: Int
        public var sound: Bool
        public var estimatedCost: Double
        /// Its model when it is not the seed's.
        public var model: String?
        /// The jobs whose outputs it takes.
        public var sources: [String] = []
    }

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
        apply(reading: event)
    }

    /// Applies one line read in place.
    mutating func apply(_ line: LedgerLine) {
        apply(reading: line)
    }

    private mutating func apply<Event: LedgerEventReader>(reading event: Event) {
        let time = event.time
        if !time.isEmpty { lastEventAt = time }
        switch event.kind {
        case .runStarted:
            applyRunStarted(event, time: time)
            return
        case .picked:
            if let shot = event.string("shot"), !event.job.isEmpty { picks[shot] = event.job }
            return
        case .unpicked:
            if let shot = event.string("shot") { picks[shot] = nil }
            return
        case .runFinished:
            return
        case .inputsResolved:
            if !event.job.isEmpty, let key = event.string("key") { resolvedKeys[event.job] = key }
        case .price:
            if let model = event.string("model"), let price = event.number("base_price_usd") {
                prices[model] = RecordedPrice(basePriceUSD: price, unit: event.string("price_unit") ?? "second", source: event.string("source") ?? "estimate")
            }
            return
        default:
            break
        }
        let job = event.job
        guard !job.isEmpty, let key = event.string("key") else { return }
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
        Self.update(&allRecords[index], with: event, time: time)
        spent += allRecords[index].spend - before
    }

    /// A run begins: the spend before it, the inputs its list was made from, and its job list.
    private mutating func applyRunStarted<Event: LedgerEventReader>(_ event: Event, time: String) {
        spentBeforeLatestRun = spent
        let reused = event.string("same_jobs_as")
        // A run that reuses the list keeps what its dependents were resolved to; a new list starts over.
        if reused == nil { resolvedKeys = [:] }
        if let sha = event.string("manifest_sha256"), let filter = event.stringMap("filter"), let media = event.objects("media") {
            let stamps = media.compactMap { item -> LedgerEvent.MediaStamp? in
                guard let path = item.string("path"), let size = item.int("size"), let modified = item.int("modified") else { return nil }
                return LedgerEvent.MediaStamp(path: path, size: size, modified: modified)
            }
            latestInputs = ListInputs(
                listedAt: reused ?? time, manifestSHA256: sha, models: event.stringMap("models") ?? [:],
                inputs: LedgerEvent.RunInputs(only: filter["only"], shard: filter["shard"], media: stamps)
            )
        } else {
            latestInputs = nil
        }
        if baseURL == nil { baseURL = event.string("base_url") }
        if firstStartedAt == nil { firstStartedAt = time }
        manifestPath = event.string("manifest") ?? manifestPath
        if let digests = event.stringMap("models") { modelDigests.merge(digests) { _, new in new } }
        listJobs(of: event)
    }

    /// The job list a `run_started` carries (typed when this process wrote it, else read from the line), and room
    /// for a record per listed job.
    private mutating func listJobs<Event: LedgerEventReader>(of event: Event) {
        if let listed = event.listedJobs {
            planned = listed.map { job in
                PlannedJob(
                    id: job.id, index: job.index, key: job.key, duration: job.duration, sound: job.sound, estimatedCost: job.estimatedCost ?? 0,
                    model: job.model, sources: job.sources
                )
            }
        } else if let jobs = event.objects("jobs") {
            planned = jobs.enumerated().compactMap { position, job in
                guard let id = job.string("id"), let key = job.string("key") else { return nil }
                return PlannedJob(
                    id: id, index: job.int("index") ?? position, key: key, duration: job.int("duration") ?? 0, sound: job.bool("sound") ?? false,
                    estimatedCost: job.number("estimated_cost") ?? 0, model: job.string("model"), sources: job.strings("sources") ?? []
                )
            }
        } else {
            return
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

    private static func update<Event: LedgerEventReader>(_ record: inout JobRecord, with event: Event, time: String) {
        switch event.kind {
        case .submitIntent:
            if record.latestMayCost { record.earlierSpend += record.cost ?? record.estimatedCost ?? 0 }
            record.attempts += 1
            record.state = .submitting
            record.latestMayCost = true
            record.cost = nil
            record.estimatedCost = event.number("estimated_cost") ?? record.estimatedCost
            if record.firstSubmitAt == nil { record.firstSubmitAt = time }
        case .submitted, .adopted:
            if event.kind == .adopted { record.latestMayCost = true }
            record.requestID = event.string("request_id")
            record.state = .queued
            record.errorCode = nil
            record.errorMessage = nil
        case .submitError:
            applySubmitError(&record, event)
        case .notSent:
            // Withdrawn before its POST started: it costs nothing, and the job is pending again.
            record.latestMayCost = false
            if record.state == .submitting { record.state = .pending }
        case .unknownOutcome:
            record.state = .unknownOutcome
            if let code = event.string("code") { record.errorCode = code }
            if let message = event.string("message") { record.errorMessage = message }
        case .status:
            record.apiStatus = event.string("status")
            if record.state == .queued || record.state == .running {
                record.state = event.string("status") == "in_queue" ? .queued : .running
            }
        case .rendered:
            record.state = .rendered
            if let urls = event.strings("outputs") { record.outputs = urls }
            record.cost = event.number("cost") ?? record.cost
            record.renderedAt = time
        case .downloaded:
            applyDownloaded(&record, event)
        case .downloadError:
            if event.bool("final") == true { record.state = .downloadFailed }
            record.errorCode = event.string("code")
            record.errorMessage = event.string("message")
        case .failed:
            record.state = .failed
            record.errorCode = event.string("code")
            record.errorMessage = event.string("message")
        case .expired:
            record.state = .expired
            record.errorCode = "expired"
            record.errorMessage = event.string("message")
        case .cancelled:
            record.state = .cancelled
        case .cancelRequested, .notCancellable:
            break
        case .waiting:
            record.state = .waiting
            record.waitingOn = event.strings("sources") ?? []
            record.blockedBy = nil
            record.errorCode = nil
            record.errorMessage = nil
        case .blocked:
            record.state = .blocked
            record.blockedBy = JobRecord.BlockedBy(job: event.string("source") ?? "", state: event.string("source_state") ?? "")
            record.errorCode = "blocked"
            record.errorMessage = event.string("reason")
        case .runStarted, .runFinished, .price, .picked, .unpicked, .inputsResolved:
            break
        }
    }

    /// A submit that failed: unknown if it may have started (never pending again on its own, even if the
    /// `unknown_outcome` line is lost), else free and pending again (a rejected one's `failed` follows).
    private static func applySubmitError<Event: LedgerEventReader>(_ record: inout JobRecord, _ event: Event) {
        record.errorCode = event.string("code")
        record.errorMessage = event.string("message")
        if event.bool("may_have_started") ?? LedgerEvent.mayHaveStarted(errorClass: event.string("class")) {
            if record.state == .submitting { record.state = .unknownOutcome }
        } else {
            record.latestMayCost = false
            if record.state == .submitting { record.state = .pending }
        }
    }

    /// Output N of M on disk (one of one when the line does not say): completed once every output is.
    private static func applyDownloaded<Event: LedgerEventReader>(_ record: inout JobRecord, _ event: Event) {
        let count = max(1, event.int("outputs") ?? 1)
        let index = min(max(1, event.int("output") ?? 1), count) - 1
        if record.files.count != count { record.files = Array(record.files.prefix(count)) + Array(repeating: nil, count: max(0, count - record.files.count)) }
        // Each output's digest, for a job with several (one output's is `sha256`: no array for the usual job).
        if count > 1, record.fileSHA256.count != count {
            record.fileSHA256 = Array(record.fileSHA256.prefix(count)) + Array(repeating: nil, count: max(0, count - record.fileSHA256.count))
        } else if count == 1 {
            record.fileSHA256 = []
        }
        record.files[index] = event.string("path")
        if count > 1 { record.fileSHA256[index] = event.string("sha256") }
        if record.hasEveryFile { record.state = .completed }
        record.bytes = event.int("bytes")
        record.sha256 = event.string("sha256")
    }
}
