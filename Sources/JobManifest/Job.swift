public import YAML

/// One render: a shot (or one take of it) with its request body and key.
public struct Job: Sendable, Equatable {
    /// `shot`, `shot~2`, `scene/shot` or `scene/shot~2`; unique ignoring case, safe as a file name.
    public let id: String
    /// The take number, 1 when the shot has a single take.
    public let take: Int
    /// The body as it will be sent (local images aside, which go as data URIs).
    public let body: RequestBody
    /// The key that tells an edited shot from an untouched one.
    public let key: JobKey
    /// Where the shot starts in the manifest.
    public let mark: Mark
    /// The jobs whose outputs its media fields take (the storyboard graph), each once; empty for most jobs.
    public let sources: [String]
    /// Whether a reference is still unresolved (its source has not completed): the key is then a placeholder.
    public let isWaiting: Bool
    /// `approve: true`: its dependents wait until it is approved under its key (a runner field: not in the body or
    /// the key).
    public let approve: Bool

    /// Creates a job, computing its key.
    public init(id: String, take: Int, body: RequestBody, mark: Mark, hasReferences: Bool = false, approve: Bool = false) {
        self.id = id
        self.take = take
        self.body = body
        self.mark = mark
        self.approve = approve
        key = JobKey(modelID: body.schema.modelID, body: body, take: take)
        sources = hasReferences ? body.sourceJobs : []
        isWaiting = hasReferences && !body.references.isEmpty
        keyText = isWaiting ? "after:" + sources.joined(separator: ",") : key.description
    }

    /// The key as the ledger and `plan` write it: `v1:<hex>`, or `after:<source ids>` until every source exists.
    /// Made once: the plan, the ledger's lines, its fold and the run's summary all share this one text (at 100,000
    /// jobs each fresh copy was 11 MB).
    public let keyText: String

    /// The same job with its references resolved (each source's digest known): its key is then the real one.
    public func resolved(_ body: RequestBody) -> Job {
        Job(id: id, take: take, body: body, mark: mark, hasReferences: true, approve: approve)
    }
}

/// A manifest read, expanded and validated: its jobs in file order, and its warnings.
public struct Manifest: Sendable {
    /// The manifest's path as given.
    public let path: String
    /// The manifest's own model: its top-level `model` (or `defaults.model`), else the seed's.
    public let schema: ModelSchema
    /// Every model its shots render with, in order of first use.
    public let models: [ModelSchema]
    /// How many shot entries the manifest has (before takes).
    public let shotCount: Int
    /// How many jobs the shots expand into.
    public private(set) var jobCount: Int
    /// Seconds of video over all jobs.
    public private(set) var totalSeconds: Int
    /// The jobs, in file order (empty when read in `.summary` mode).
    public private(set) var jobs: [Job]
    /// Warnings, sorted by position (errors would have stopped the manifest).
    public let warnings: [Diagnostic]
    /// Whether some shot takes another job's output (the storyboard graph).
    public var hasReferences: Bool = false
    /// Every local media file the manifest names (absolute paths): with the manifest's own bytes, what its jobs
    /// depend on.
    public var mediaPaths: [String] = []
    /// The seconds its jobs render, video and audio apart.
    public var seconds = MediaSeconds()
    /// Takes added by retakes, each with the job it was made from (`addingTakes`).
    public private(set) var retakeSources: [String: String] = [:]

    /// The same manifest with only the jobs `keep` accepts (counts and seconds follow).
    public func filtered(_ keep: (Job) -> Bool) -> Manifest {
        let kept = jobs.filter(keep)
        var manifest = Manifest(
            path: path, schema: schema, models: models, shotCount: shotCount, jobCount: kept.count,
            totalSeconds: kept.reduce(0) { $0 + $1.body.duration }, jobs: kept, warnings: warnings
        )
        manifest.hasReferences = hasReferences
        manifest.seconds = MediaSeconds(kept.map { ($0.body, 1) })
        manifest.retakeSources = retakeSources
        return manifest
    }

    /// The same manifest with one more take of a shot for each retake asked for (`takes`: shot id to the take
    /// numbers to add), each after the shot's last job, with its body and fields; a take the manifest already
    /// has is not added twice. Dependents keep naming the jobs they name.
    public func addingTakes(_ takes: [String: [Int]]) -> Manifest {
        guard !takes.isEmpty else { return self }
        var manifest = self
        var result: [Job] = []
        result.reserveCapacity(jobs.count + takes.count)
        let ids = Set(jobs.map(\.id))
        for (position, job) in jobs.enumerated() {
            result.append(job)
            let shot = JobID.shot(of: job.id)
            // After the shot's last job.
            guard let numbers = takes[shot], position + 1 == jobs.count || JobID.shot(of: jobs[position + 1].id) != shot else { continue }
            for take in numbers.sorted() where !ids.contains("\(shot)~\(take)") {
                let added = Job(
                    id: "\(shot)~\(take)", take: take, body: job.body, mark: job.mark, hasReferences: !job.sources.isEmpty, approve: job.approve
                )
                manifest.retakeSources[added.id] = job.id
                result.append(added)
            }
        }
        manifest.jobs = result
        manifest.jobCount = result.count
        manifest.totalSeconds = result.reduce(0) { $0 + $1.body.duration }
        manifest.seconds = MediaSeconds(result.map { ($0.body, 1) })
        return manifest
    }

    /// The same jobs, sources before their dependents (otherwise in manifest order).
    public func inDependencyOrder() -> Manifest {
        guard hasReferences else { return self }
        let order = StoryboardGraph(jobs).order
        var manifest = self
        manifest.jobs = order.map { jobs[$0] }
        return manifest
    }

    /// The same manifest with these jobs in place of its own (a plan's, with dependents resolved).
    public func replacingJobs(_ replacement: [Job]) -> Manifest {
        var manifest = self
        manifest.jobs = replacement
        return manifest
    }

    /// The jobs of one shard. Without references, by the job id's hash; with them, each connected group of jobs
    /// stays together, in the shard of its first job in manifest order. A take added by a retake goes with the job
    /// it was made from.
    public func jobs(in shard: Shard?) -> [Job] {
        guard let shard else { return jobs }
        guard hasReferences else { return jobs.filter { shard.contains(retakeSources[$0.id] ?? $0.id) } }
        let graph = StoryboardGraph(jobs)
        // A take a retake added goes with the group of the job it was made from.
        let positions = retakeSources.isEmpty ? [:] : Dictionary(jobs.indices.map { (jobs[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
        return jobs.indices.filter { index in
            let home = retakeSources[jobs[index].id].flatMap { positions[$0] } ?? index
            return shard.contains(jobs[graph.groupLeader(of: home)].id)
        }.map { jobs[$0] }
    }
}

/// A manifest that cannot be used: every diagnostic found, errors and warnings, sorted by position.
public struct ManifestError: Error, Sendable {
    /// The manifest's path as given.
    public let path: String
    /// The diagnostics.
    public let diagnostics: [Diagnostic]
}

/// Reading a job id's parts (`scene/shot~2`: shot `scene/shot`, take 2). A shot id never holds `~`.
public enum JobID {
    /// The shot a job id belongs to: the id without its `~N` take suffix.
    public static func shot(of id: String) -> String {
        guard let tilde = tilde(in: id), number(after: tilde, in: id) != nil else { return id }
        return String(id[..<tilde])
    }

    /// The last `~` of an id, found by its UTF-8 bytes (a scan by characters cost more than the rest of a
    /// 100,000-job report's entry). A `~` joined to a combining mark is found too, where a scan by characters
    /// would skip it; the bytes after it then begin with the mark, which is no number, so both give the same answer.
    private static func tilde(in id: String) -> String.Index? {
        id.utf8.lastIndex(of: UInt8(ascii: "~"))
    }

    /// The number written by the bytes after `tilde` (read by bytes, not characters, so that a mark joined to the
    /// `~` is part of what is read).
    private static func number(after tilde: String.Index, in id: String) -> Int? {
        Int(Substring(id.utf8[id.utf8.index(after: tilde)...]))
    }

    /// The take number of a job id, or nil for a shot rendered once (no `~N`).
    public static func take(of id: String) -> Int? {
        guard let tilde = tilde(in: id) else { return nil }
        return number(after: tilde, in: id)
    }
}
