import ArgumentParser
import JobManifest

/// `--shard I/N`, or `--shards N` with I read from `JOB_COMPLETION_INDEX` + 1 (a Kubernetes Indexed Job).
struct ShardOptions: ParsableArguments {
    @Option(help: "Render only shard I of N (I from 1): jobs whose id's SHA-256 modulo N is I - 1.")
    var shard: String?

    @Option(help: "Split into N shards, this process taking JOB_COMPLETION_INDEX + 1 (a Kubernetes Indexed Job).")
    var shards: Int?

    func validate() throws {
        if shard != nil, shards != nil { throw ValidationError("Give --shard I/N or --shards N, not both.") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard takes I/N with 1 <= I <= N, like 2/5.") }
        if let shards, shards < 1 { throw ValidationError("--shards takes a number of shards, at least 1.") }
    }

    /// The shard asked for, if any.
    func resolve(environment: [String: String]) throws(CLIError) -> Shard? {
        if let shard { return Shard(shard) }
        guard let shards else { return nil }
        guard let text = environment["JOB_COMPLETION_INDEX"], let index = Int(text), let value = Shard(index: index + 1, count: shards) else {
            throw .usage("--shards \(shards) needs JOB_COMPLETION_INDEX set to 0...\(shards - 1) (as a Kubernetes Indexed Job sets it)")
        }
        return value
    }
}
