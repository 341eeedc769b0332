/// The ledger's schema: every event, its fields by name and in order, and how a field with no value is written.
/// This is the one place a ledger field or event name is spelled; the line writer (`LedgerLineWriter`), the line
/// reader (`LedgerLineReader`), the fold (which applies these typed values) and the checkpoint (`CheckpointCoding`)
/// all follow it. Adding a field is one edit here: a stored property and its line in `fields`.
///
/// Readers start from each field's default, so a line written before a field existed reads as it always did.
extension LedgerEvent {
    /// The kinds of event (`event` field).
    public enum Kind: String, Sendable, CaseIterable {
        case runStarted = "run_started"
        case submitIntent = "submit_intent"
        case submitted
        case submitError = "submit_error"
        case unknownOutcome = "unknown_outcome"
        case status
        case rendered
        case downloaded
        case downloadError = "download_error"
        case failed
        case expired
        case cancelRequested = "cancel_requested"
        case cancelled
        case notCancellable = "not_cancellable"
        case adopted
        case runFinished = "run_finished"
        /// A model's price as the run used it.
        case price
        /// A submit intent withdrawn before its POST started (a stop came while the intent was being written).
        case notSent = "not_sent"
        /// A take chosen as its shot's clip in the cut (`job` the take's id).
        case picked
        /// A shot's choice removed (`job` the take that was picked).
        case unpicked
        /// A job that waits on other jobs' outputs; its `key` reads `after:<sources>`.
        case waiting
        /// A job whose source ended otherwise than completed: never submitted.
        case blocked
        /// A dependent's sources as its body was built for a submit, under its key.
        case inputsResolved = "inputs_resolved"
        /// Decisions (in `decisions.jsonl`): a job approved under its key, or the approval withdrawn.
        case approved
        case unapproved
        /// One more take of a shot (`job` the shot's id) asked for, or the request withdrawn.
        case retakeRequested = "retake_requested"
        case retakeWithdrawn = "retake_withdrawn"
        /// Free text on a job.
        case note
    }

    /// The header every line starts with, before the event's own fields.
    static let header: (version: StaticString, time: StaticString, event: StaticString, job: StaticString) = ("v", "t", "event", "job")

    /// A run begins: the base URL, the manifest and its SHA-256, the catalogue models' schema digests, what its job
    /// list was made from, and either the list or the earlier start whose list it reuses (`sameJobsAs`).
    public struct RunStart: LedgerFields, Sendable, Equatable {
        public var baseURL: String?
        public var manifest: String?
        public var manifestSHA256: String?
        /// Each catalogue model of the run (not the seed) and the digest of its schema.
        public var models: [Named<String>] = []
        public var filter: Filter?
        public var media: [MediaStamp]?
        public var sameJobsAs: String?
        /// Written last, straight to bytes: at 100,000 jobs the list is most of the line.
        public var jobs: [ListedJob]?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("base_url", &baseURL)
            v.field("manifest", &manifest)
            v.field("manifest_sha256", &manifestSHA256)
            v.field("models", &models)
            v.field("filter", &filter)
            v.field("media", &media)
            v.field("same_jobs_as", &sameJobsAs)
            v.field("jobs", &jobs)
        }
    }

    /// `--only`'s glob and `--shard`'s `I/N` (each `null` when not given).
    public struct Filter: LedgerFields, Sendable, Equatable {
        public var only: String?
        public var shard: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("only", &only, .null)
            v.field("shard", &shard, .null)
        }
    }

    /// A file as it was when a run read it: absolute path, size in bytes, modification time in nanoseconds.
    public struct MediaStamp: LedgerFields, Sendable, Equatable {
        public var path = ""
        public var size = 0
        public var modified = 0

        /// A file as it was.
        public init(path: String, size: Int, modified: Int) { (self.path, self.size, self.modified) = (path, size, modified) }
        init() {}
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("path", &path)
            v.field("size", &size)
            v.field("modified", &modified)
        }
    }

    /// A job as `run_started` lists it (so `status` works without the manifest).
    public struct ListedJob: LedgerFields, Sendable, Equatable {
        public var id = ""
        /// Its place in the manifest (0-based, over the whole manifest: the folders of a sharded batch interleave);
        /// -1 as read from a line written before it was recorded (the fold then uses its place in the list).
        public var index = -1
        public var key = ""
        public var duration = 0
        public var sound = false
        /// Its estimated cost; nil where it is unknown (written as `null`: a cost nobody knows is not 0).
        public var estimatedCost: Double?
        /// Its model, when it is not the seed's (left out for the seed, as ledgers before it were).
        public var model: String?
        /// The jobs whose outputs it takes (left out when none).
        public var sources: [String] = []
        /// Whether its dependents wait until it is approved (`approve: true`; left out when not).
        public var approve = false

        /// A listed job; `model` nil for the seed, `sources` empty for a job that takes no other's output.
        public init(
            id: String, index: Int, key: String, duration: Int, sound: Bool, estimatedCost: Double?, model: String? = nil, sources: [String] = [],
            approve: Bool = false
        ) {
            (self.id, self.index, self.key, self.duration, self.sound) = (id, index, key, duration, sound)
            (self.estimatedCost, self.model, self.sources, self.approve) = (estimatedCost, model, sources, approve)
        }
        init() {}
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("id", &id)
            v.field("index", &index)
            v.field("key", &key)
            v.field("duration", &duration)
            v.field("sound", &sound)
            v.field("estimated_cost", &estimatedCost, .null)
            v.field("model", &model)
            v.field("sources", nonEmpty: &sources)
            var gate: Bool? = approve ? true : nil
            v.field("approve", &gate)
            approve = gate ?? false
        }
    }

    /// A model's price as the run uses it.
    public struct Price: LedgerFields, Sendable, Equatable {
        public var model: String?
        public var basePriceUSD: Double?
        public var unit: String?
        public var soundFactor: Double?
        public var source: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("model", &model)
            v.field("base_price_usd", &basePriceUSD)
            v.field("price_unit", &unit)
            v.field("sound_factor", &soundFactor)
            v.field("source", &source)
        }
    }

    /// Written (and durable) before a submit's POST: from here the job may cost its estimate (`null`: unknown).
    public struct Intent: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var attempt: Int?
        public var estimatedCost: Double?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("attempt", &attempt)
            v.field("estimated_cost", &estimatedCost, .null)
        }
    }

    /// A line about a request: `submitted`, `adopted`, `cancel_requested`, `cancelled` (its id when the cancel named
    /// it) and `not_cancellable` (with the status that kept it running).
    public struct Request: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var requestID: String?
        public var status: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("request_id", &requestID)
            v.field("status", &status)
        }
    }

    /// A submit without a request id. `mayHaveStarted` (nil in version 1 ledgers, then read from `errorClass`) says
    /// whether the render may be running and billed.
    public struct SubmitFailure: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var code: String?
        public var message: String?
        public var httpStatus: Int?
        public var errorClass: String?
        public var mayHaveStarted: Bool?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("code", &code)
            v.field("message", &message)
            v.field("http_status", &httpStatus)
            v.field("class", &errorClass)
            v.field("may_have_started", &mayHaveStarted)
        }
    }

    /// An intent withdrawn before its POST started.
    public struct Withdrawal: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var attempt: Int?
        public var reason: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("attempt", &attempt)
            v.field("reason", &reason)
        }
    }

    /// A job's end in error: `failed`, `unknown_outcome`, and `expired` (which has no code).
    public struct Failure: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var code: String?
        public var message: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("code", &code)
            v.field("message", &message)
        }
    }

    /// The API's status changed.
    public struct StatusChange: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var status: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("status", &status)
        }
    }

    /// The render is done: its output URLs and, when the API gave it, its cost.
    public struct Render: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var outputs: [String]?
        public var cost: Double?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("outputs", &outputs, omitEmpty: false)
            v.field("cost", &cost)
        }
    }

    /// Output `output` of `outputs` (1-based; both left out for a job with one) is on disk at `path`, relative to
    /// the run folder.
    public struct Download: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var path: String?
        public var bytes: Int?
        public var sha256: String?
        public var output: Int?
        public var outputs: Int?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("path", &path)
            v.field("bytes", &bytes)
            v.field("sha256", &sha256)
            v.field("output", &output)
            v.field("outputs", &outputs)
        }
    }

    /// A download failed; `final` when no retry follows in this run.
    public struct DownloadFailure: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var code: String?
        public var message: String?
        public var httpStatus: Int?
        public var attempt: Int?
        public var final: Bool?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("code", &code)
            v.field("message", &message)
            v.field("http_status", &httpStatus)
            v.field("attempt", &attempt)
            v.field("final", &final)
        }
    }

    /// A job that waits on other jobs' outputs; `key` is its `after:<sources>` placeholder.
    public struct Wait: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var sources: [String]?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("sources", &sources, omitEmpty: false)
        }
    }

    /// A job that will not be submitted: its source ended `sourceState`.
    public struct Block: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var source: String?
        public var sourceState: String?
        public var reason: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("source", &source)
            v.field("source_state", &sourceState)
            v.field("reason", &reason)
        }
    }

    /// A dependent's body was built from its sources' files; `key` is the key it renders under.
    public struct Resolution: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var sources: [ResolvedSource]?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("sources", &sources)
        }
    }

    /// One source of a dependent as its body was built: the job, which output, the frame if any, the file's
    /// digest, and the file sent (relative to the run folder; nil when written before the body was built).
    public struct ResolvedSource: LedgerFields, Sendable, Equatable {
        public var job = ""
        public var output = 1
        public var frame: String?
        public var sha256 = ""
        public var path: String?

        /// One input of a dependent.
        public init(job: String, output: Int, frame: String?, sha256: String, path: String?) {
            (self.job, self.output, self.frame, self.sha256, self.path) = (job, output, frame, sha256, path)
        }
        init() {}
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("job", &job)
            v.field("output", &output)
            v.field("frame", &frame)
            v.field("sha256", &sha256)
            v.field("path", &path)
        }
    }

    /// A take chosen for its shot, or the choice removed; `by` who chose (user@host; absent in earlier ledgers).
    public struct Pick: LedgerFields, Sendable, Equatable {
        public var shot: String?
        public var by: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("shot", &shot)
            v.field("by", &by)
        }
    }

    /// A job approved under `key` (the approval holds while the job's key is this one), or the approval withdrawn.
    public struct Approval: LedgerFields, Sendable, Equatable {
        public var key: String?
        public var by: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("key", &key)
            v.field("by", &by)
        }
    }

    /// One more take of a shot: the take number the next run adds and the reviewer's note; or the request withdrawn.
    public struct RetakeRequest: LedgerFields, Sendable, Equatable {
        public var take: Int?
        public var note: String?
        public var by: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("take", &take)
            v.field("note", &note)
            v.field("by", &by)
        }
    }

    /// Free text on a job.
    public struct Note: LedgerFields, Sendable, Equatable {
        public var text: String?
        public var by: String?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("text", &text)
            v.field("by", &by)
        }
    }

    /// A run's end: jobs per state (states with none left out) and the exit code.
    public struct RunEnd: LedgerFields, Sendable, Equatable {
        public var counts: [Named<Int>] = []
        public var exitCode: Int?
        mutating func fields<V: LedgerFieldVisitor>(_ v: inout V) {
            v.field("counts", &counts)
            v.field("exit_code", &exitCode)
        }
    }
}
