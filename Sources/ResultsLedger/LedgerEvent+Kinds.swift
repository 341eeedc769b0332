import JSON

/// The events this version writes, one constructor per kind: the only place outside the fold where a ledger
/// field or event name is spelled. `time` is the line's UTC time (ISO 8601 with milliseconds).
extension LedgerEvent {
    /// A job as `run_started` lists it (so `status` works without the manifest).
    public struct ListedJob: Sendable, Equatable {
        public var id: String
        /// Its place in the manifest (0-based, over the whole manifest: the folders of a sharded batch interleave).
        public var index: Int
        public var key: String
        public var duration: Int
        public var sound: Bool
        /// Its estimated cost; nil where it is unknown (written as `null`: a cost nobody knows is not 0).
        public var estimatedCost: Double?
        /// Its model, when it is not the seed's (left out of the line for the seed, as ledgers before it were).
        public var model: String?
        /// The jobs whose outputs it takes (left out when none).
        public var sources: [String]

        /// Its entry in the line: `id`, `index`, `key`, `duration`, `sound`, `estimated_cost`, then `model` and
        /// `sources` where they apply.
        func write(to out: inout [UInt8]) {
            var object = JSONObjectWriter(indent: nil, level: 2, to: &out)
            object.string("id", id, to: &out)
            object.int("index", index, to: &out)
            object.string("key", key, to: &out)
            object.int("duration", duration, to: &out)
            object.bool("sound", sound, to: &out)
            object.number("estimated_cost", estimatedCost, to: &out)
            if let model { object.string("model", model, to: &out) }
            if !sources.isEmpty { object.strings("sources", sources, to: &out) }
            object.end(&out)
        }

        /// A listed job; `model` nil for the seed, `sources` empty for a job that takes no other's output.
        public init(
            id: String, index: Int, key: String, duration: Int, sound: Bool, estimatedCost: Double?, model: String? = nil, sources: [String] = []
        ) {
            self.id = id
            self.index = index
            self.key = key
            self.duration = duration
            self.sound = sound
            self.estimatedCost = estimatedCost
            self.model = model
            self.sources = sources
        }
    }

    /// A run begins: the base URL, the manifest and its SHA-256, and the jobs it covers.
    /// `models` maps each catalogue model of the run (not the seed) to the digest of its schema.
    /// What a run's job list was made from beyond the manifest's bytes: the job filter and each local media file
    /// as it was then. A resume whose manifest, catalogue, filter and files all match reuses the recorded list.
    public struct RunInputs: Sendable, Equatable {
        /// `--only`'s glob, and `--shard`'s `I/N`.
        public var only: String?
        public var shard: String?
        /// Each local media file: absolute path, size in bytes, modification time in nanoseconds.
        public var media: [MediaStamp]

        /// The filter and the local files a job list was made from.
        public init(only: String?, shard: String?, media: [MediaStamp]) {
            self.only = only
            self.shard = shard
            self.media = media
        }
    }

    /// A file as it was when a run read it.
    public struct MediaStamp: Sendable, Equatable {
        public var path: String
        public var size: Int
        public var modified: Int

        /// A file as it was: absolute path, size in bytes, modification time in nanoseconds.
        public init(path: String, size: Int, modified: Int) {
            self.path = path
            self.size = size
            self.modified = modified
        }
    }

    /// A run that reuses the latest `run_started`'s job list (its manifest, catalogue, filter and files unchanged):
    /// a short line naming that run's start instead of repeating every job.
    public static func runStartedAgain(
        baseURL: String, manifest: String, manifestSHA256: String, models: [(id: String, digest: String)], inputs: RunInputs, sameJobsAs: String,
        time: String
    ) -> LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = [
            ("base_url", .string(baseURL)), ("manifest", .string(manifest)), ("manifest_sha256", .string(manifestSHA256)),
        ]
        if !models.isEmpty { fields.append(("models", .object(models.map { ($0.id, .string($0.digest)) }))) }
        fields += inputsFields(inputs)
        fields.append(("same_jobs_as", .string(sameJobsAs)))
        return LedgerEvent(.runStarted, time: time, fields)
    }

    private static func inputsFields(_ inputs: RunInputs) -> [(key: String, value: JSONValue)] {
        [
            ("filter", .object([("only", inputs.only.map(JSONValue.string) ?? .null), ("shard", inputs.shard.map(JSONValue.string) ?? .null)])),
            ("media", .array(inputs.media.map { .object([("path", .string($0.path)), ("size", .int($0.size)), ("modified", .int($0.modified))]) })),
        ]
    }

    /// The opening line of a run (see `ListedJob` and `RunInputs` for what it lists).
    public static func runStarted(
        baseURL: String, manifest: String, manifestSHA256: String, jobs: [ListedJob], models: [(id: String, digest: String)] = [],
        inputs: RunInputs? = nil, time: String
    ) -> LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = [
            ("base_url", .string(baseURL)), ("manifest", .string(manifest)), ("manifest_sha256", .string(manifestSHA256)),
        ]
        if !models.isEmpty { fields.append(("models", .object(models.map { ($0.id, .string($0.digest)) }))) }
        if let inputs { fields += inputsFields(inputs) }
        var event = LedgerEvent(.runStarted, time: time, fields)
        event.listedJobs = jobs
        return event
    }

    /// A model's price as the run uses it.
    public static func price(model: String, basePriceUSD: Double, unit: String, soundFactor: Double, source: String, time: String) -> LedgerEvent {
        LedgerEvent(.price, time: time, [
            ("model", .string(model)), ("base_price_usd", .number(basePriceUSD)), ("price_unit", .string(unit)),
            ("sound_factor", .number(soundFactor)), ("source", .string(source)),
        ])
    }

    /// Written (and durable) before a submit's POST: from here the job may cost its estimate.
    /// An estimate of nil (the cost is unknown) is written as `null`.
    public static func submitIntent(job: String, key: String, attempt: Int, estimate: Double?, time: String) -> LedgerEvent {
        LedgerEvent(.submitIntent, job: job, time: time, [("key", .string(key)), ("attempt", .int(attempt)), ("estimated_cost", estimate.map(JSONValue.number) ?? .null)])
    }

    /// The API accepted a submit.
    public static func submitted(job: String, key: String, requestID: String, time: String) -> LedgerEvent {
        LedgerEvent(.submitted, job: job, time: time, [("key", .string(key)), ("request_id", .string(requestID))])
    }

    /// A submit without a request id. `mayHaveStarted` says whether the render may be running (and billed):
    /// false only when the request certainly did not start. `errorClass` is the client's name for the failure.
    public static func submitError(
        job: String, key: String, code: String, message: String, httpStatus: Int?, errorClass: String, mayHaveStarted: Bool, time: String
    ) -> LedgerEvent {
        LedgerEvent(.submitError, job: job, time: time, [("key", .string(key))] + errorFields(code, message, httpStatus) + [
            ("class", .string(errorClass)), ("may_have_started", .bool(mayHaveStarted)),
        ])
    }

    /// An intent withdrawn before its POST started: a stop came first.
    public static func notSent(job: String, key: String, attempt: Int, reason: String, time: String) -> LedgerEvent {
        LedgerEvent(.notSent, job: job, time: time, [("key", .string(key)), ("attempt", .int(attempt)), ("reason", .string(reason))])
    }

    /// A submit that may have been accepted, with no request id on record.
    public static func unknownOutcome(job: String, key: String, code: String, message: String, time: String) -> LedgerEvent {
        LedgerEvent(.unknownOutcome, job: job, time: time, [("key", .string(key)), ("code", .string(code)), ("message", .string(message))])
    }

    /// The API's status changed.
    public static func status(job: String, key: String, status: String, time: String) -> LedgerEvent {
        LedgerEvent(.status, job: job, time: time, [("key", .string(key)), ("status", .string(status))])
    }

    /// The render is done: its output URLs and, when the API gave it, its cost.
    public static func rendered(job: String, key: String, outputs: [String], cost: Double?, time: String) -> LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = [("key", .string(key)), ("outputs", .array(outputs.map(JSONValue.string)))]
        if let cost { fields.append(("cost", .number(cost))) }
        return LedgerEvent(.rendered, job: job, time: time, fields)
    }

    /// An output is on disk (`path` relative to the run folder).
    /// Output `output` of `outputs` (1-based) is on disk; both are left out for a job with a single output.
    public static func downloaded(
        job: String, key: String, path: String, bytes: Int, sha256: String, output: Int = 1, outputs: Int = 1, time: String
    ) -> LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = [
            ("key", .string(key)), ("path", .string(path)), ("bytes", .int(bytes)), ("sha256", .string(sha256)),
        ]
        if outputs > 1 { fields += [("output", .int(output)), ("outputs", .int(outputs))] }
        return LedgerEvent(.downloaded, job: job, time: time, fields)
    }

    /// A download failed; `final` when no retry follows in this run (the job is then `download_failed`).
    public static func downloadError(
        job: String, key: String, code: String, message: String, httpStatus: Int? = nil, attempt: Int? = nil, final: Bool, time: String
    ) -> LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = [("key", .string(key))] + errorFields(code, message, httpStatus)
        if let attempt { fields.append(("attempt", .int(attempt))) }
        fields.append(("final", .bool(final)))
        return LedgerEvent(.downloadError, job: job, time: time, fields)
    }

    /// The job failed (the API said so, or its input was refused).
    public static func failed(job: String, key: String, code: String, message: String, time: String) -> LedgerEvent {
        LedgerEvent(.failed, job: job, time: time, [("key", .string(key)), ("code", .string(code)), ("message", .string(message))])
    }

    /// The request id is no longer known to the API.
    public static func expired(job: String, key: String, message: String, time: String) -> LedgerEvent {
        LedgerEvent(.expired, job: job, time: time, [("key", .string(key)), ("message", .string(message))])
    }

    /// A cancel was asked for.
    public static func cancelRequested(job: String, key: String, requestID: String, time: String) -> LedgerEvent {
        LedgerEvent(.cancelRequested, job: job, time: time, [("key", .string(key)), ("request_id", .string(requestID))])
    }

    /// The request was cancelled (`requestID` when the cancel named it).
    public static func cancelled(job: String, key: String, requestID: String? = nil, time: String) -> LedgerEvent {
        var fields: [(key: String, value: JSONValue)] = [("key", .string(key))]
        if let requestID { fields.append(("request_id", .string(requestID))) }
        return LedgerEvent(.cancelled, job: job, time: time, fields)
    }

    /// The request could not be cancelled: it runs on and is billed.
    public static func notCancellable(job: String, key: String, requestID: String, status: String, time: String) -> LedgerEvent {
        LedgerEvent(.notCancellable, job: job, time: time, [("key", .string(key)), ("request_id", .string(requestID)), ("status", .string(status))])
    }

    /// A request id found elsewhere (the web UI) attached to an `unknown_outcome` job.
    public static func adopted(job: String, key: String, requestID: String, time: String) -> LedgerEvent {
        LedgerEvent(.adopted, job: job, time: time, [("key", .string(key)), ("request_id", .string(requestID))])
    }

    /// A job that waits on other jobs' outputs; `key` is its `after:<sources>` placeholder.
    public static func waiting(job: String, key: String, sources: [String], time: String) -> LedgerEvent {
        LedgerEvent(.waiting, job: job, time: time, [("key", .string(key)), ("sources", .array(sources.map(JSONValue.string)))])
    }

    /// A job that will not be submitted: its source `source` ended `sourceState` (a blocked source blocks on).
    public static func blocked(job: String, key: String, source: String, sourceState: String, reason: String, time: String) -> LedgerEvent {
        LedgerEvent(.blocked, job: job, time: time, [
            ("key", .string(key)), ("source", .string(source)), ("source_state", .string(sourceState)), ("reason", .string(reason)),
        ])
    }

    /// One source of a dependent as its body was built: the job, which output, the frame if any, the file's digest.
    public struct ResolvedSource: Sendable, Equatable {
        public var job: String
        public var output: Int
        public var frame: String?
        public var sha256: String
        /// The file sent, relative to the run folder (the source's output, or the frame extracted from it); nil
        /// when the line is written as the sources are found ready, before the body is built.
        public var path: String?

        /// One input of a dependent: the source job, which of its outputs, which frame, the bytes' SHA-256, the file.
        public init(job: String, output: Int, frame: String?, sha256: String, path: String?) {
            self.job = job
            self.output = output
            self.frame = frame
            self.sha256 = sha256
            self.path = path
        }
    }

    /// A dependent's body was built from its sources' files; `key` is the key it renders under.
    public static func inputsResolved(job: String, key: String, sources: [ResolvedSource], time: String) -> LedgerEvent {
        LedgerEvent(.inputsResolved, job: job, time: time, [
            ("key", .string(key)),
            ("sources", .array(sources.map { source in
                var fields: [(key: String, value: JSONValue)] = [("job", .string(source.job)), ("output", .int(source.output))]
                if let frame = source.frame { fields.append(("frame", .string(frame))) }
                fields.append(("sha256", .string(source.sha256)))
                if let path = source.path { fields.append(("path", .string(path))) }
                return .object(fields)
            })),
        ])
    }

    /// A take chosen for its shot in the cut.
    public static func picked(job: String, shot: String, time: String) -> LedgerEvent {
        LedgerEvent(.picked, job: job, time: time, [("shot", .string(shot))])
    }

    /// A shot's choice removed (`job`: the take that was picked).
    public static func unpicked(job: String, shot: String, time: String) -> LedgerEvent {
        LedgerEvent(.unpicked, job: job, time: time, [("shot", .string(shot))])
    }

    /// A run's end: jobs per state (states with none left out) and the exit code.
    public static func runFinished(counts: [JobState: Int], exitCode: Int, time: String) -> LedgerEvent {
        let members: [(key: String, value: JSONValue)] = JobState.allCases.compactMap { state in counts[state].map { (state.rawValue, .int($0)) } }
        return LedgerEvent(.runFinished, time: time, [("counts", .object(members)), ("exit_code", .int(exitCode))])
    }

    private static func errorFields(_ code: String, _ message: String, _ httpStatus: Int?) -> [(key: String, value: JSONValue)] {
        var fields: [(key: String, value: JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if let httpStatus { fields.append(("http_status", .int(httpStatus))) }
        return fields
    }
}
