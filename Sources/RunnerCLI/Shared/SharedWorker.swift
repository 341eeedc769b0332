import Crypto
import Foundation
import JSON
import JobManifest
import Logging
import ModelAPI
import PostgresNIO
import ResultsLedger
import SharedLedger
import Synchronization

/// One worker of a shared batch: who it is (its id, host, account), its connection pool, how it joins, and the
/// heartbeat that keeps its lease.
struct SharedWorker: Sendable {
    let url: LedgerURL
    let batch: String
    /// `host-pid-random`: unique across machines and restarts.
    let id: String
    let identity: PostgresLedger.Identity
    let baseURL: String
    let dbTimeout: Duration

    init(url: LedgerURL, batch: String, target: BatchRun.Target, request: RunRequest, folder: String) {
        self.url = url
        self.batch = batch
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(getpid())
        id = "\(host)-\(pid)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        // The account: a hash of the base URL and the token, never the token.
        let account = Hex.lowercase(SHA256.hash(data: Data((target.base + "\n" + target.token.value).utf8)))
        identity = PostgresLedger.Identity(
            batch: batch, worker: id, host: host, pid: pid, account: account, accountConcurrency: request.accountConcurrency, lease: request.lease,
            folder: folder, dbTimeout: request.dbTimeout
        )
        baseURL = target.base
        dbTimeout = request.dbTimeout
    }

    /// Where this worker starts in a list of runs, a fraction of the way in (drawn at start).
    let start = Double.random(in: 0..<1)

    /// `runs` from this worker's place on, then the ones before it.
    func rotated<Element>(_ runs: [Element]) -> [Element] {
        let offset = Int(start * Double(runs.count))
        guard offset > 0, offset < runs.count else { return runs }
        return Array(runs[offset...] + runs[..<offset])
    }

    /// `[A-Za-z0-9._-]{1,64}`.
    static func validBatch(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// How long a worker with nothing it may claim waits before it looks again.
    var idlePause: Duration { min(.seconds(1), identity.lease / 6) }

    /// Connects (the schema migrated on first use), opens the batch's store, and runs `body` with it; the pool is
    /// let go afterwards. A database that does not answer within `--db-timeout` is a setup failure (exit 3).
    func withStore<Value: Sendable>(_ body: (PostgresLedger) async throws -> Value) async throws -> Value {
        let logger = LedgerOption.quiet
        let client = url.client(logger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let identity = identity
        let url = url
        let opened: PostgresLedger? = try await Deadline.answered(within: dbTimeout) {
            do {
                try await SharedLedgerSchema.migrate(client, logger: logger)
                let store = try await PostgresLedger(client: client, identity: identity, logger: logger, register: false)
                // What workers of this folder spilled and did not commit before they stopped (a database outage).
                try await store.replaySpills()
                await store.reap()
                return store
            } catch {
                throw CLIError.setup("the shared ledger at \(url) cannot be used: \(String(reflecting: error))")
            }
        }
        guard let store = opened else {
            throw CLIError.setup("the shared ledger at \(url) did not answer within \(dbTimeout) (--db-timeout); nothing was submitted")
        }
        return try await body(store)
    }

    /// Joins the batch: waits while another worker writes its opening lines; exit 2 when live workers render it from
    /// another manifest, models, filter or base URL.
    func join(_ store: PostgresLedger, scope: BatchRun.Scope, request: RunRequest) async throws -> PostgresLedger.Joining {
        let manifestSHA = BatchRun.Opening.manifestSHA256(request.manifest)
        let models = Dictionary(BatchRun.Opening.modelDigests(scope.shardJobs).map { ($0.id, $0.digest) }, uniquingKeysWith: { first, _ in first })
        let filter = (only: request.only, shard: request.shard?.description)
        let baseURL = baseURL
        let batch = batch
        let differs: @Sendable (LedgerFold) -> String? = { fold in
            guard let recorded = fold.latestInputs else { return nil }
            if let base = fold.baseURL, base != baseURL { return "base URL (\(base), not \(baseURL))" }
            if recorded.manifestSHA256 != manifestSHA { return "manifest (its SHA-256 differs)" }
            let changed = Set(recorded.models.keys).union(models.keys).filter { recorded.models[$0] != models[$0] }.sorted()
            if !changed.isEmpty { return "catalogue schema of \(changed.joined(separator: ", "))" }
            if recorded.inputs.only != filter.only || recorded.inputs.shard != filter.shard {
                return "filter (--only \(recorded.inputs.only ?? "none"), --shard \(recorded.inputs.shard ?? "none"))"
            }
            return nil
        }
        let deadline = ContinuousClock.now.advanced(by: dbTimeout)
        while true {
            let joining: PostgresLedger.Joining
            do {
                joining = try await store.join(differs: differs)
            } catch {
                // The database does not answer: asked again until --db-timeout.
                guard ContinuousClock.now < deadline else { throw CLIError.ledger(error) }
                try await Task.sleep(for: .seconds(1))
                continue
            }
            switch joining {
            case .open, .joined:
                return joining
            case .differs(let what):
                throw CLIError.usage(
                    "live workers render batch \(batch) with another \(what): give this run another --batch, or run it once they have ended (it then resumes the batch)"
                )
            case .wait:
                guard ContinuousClock.now < deadline else {
                    throw CLIError.setup("another worker has been opening batch \(batch) for longer than --db-timeout; nothing was submitted")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Renews the lease every lease/6 until cancelled; remembers since when it could not.
    func keepAlive(_ store: PostgresLedger) -> Heartbeat {
        let heartbeat = Heartbeat()
        let every = identity.lease / 6
        heartbeat.task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                do {
                    try await store.heartbeat()
                    heartbeat.beat()
                } catch {
                    heartbeat.missed()
                }
            }
        }
        return heartbeat
    }

    /// The lease's renewal: since when the database has not answered it.
    final class Heartbeat: Sendable {
        private let failingSince = Mutex<ContinuousClock.Instant?>(nil)
        private let running = Mutex<Task<Void, Never>?>(nil)

        var task: Task<Void, Never>? {
            get { running.withLock { $0 } }
            set { running.withLock { $0 = newValue } }
        }

        func beat() { failingSince.withLock { $0 = nil } }
        func missed() { failingSince.withLock { $0 = $0 ?? .now } }
        func cancel() { task?.cancel() }

        /// The ledger failure to stop with once the database has not answered for `timeout`.
        func databaseLost(after timeout: Duration) -> LedgerError? {
            guard let since = failingSince.withLock({ $0 }), ContinuousClock.now - since > timeout else { return nil }
            return .io(operation: "heartbeat", path: "the shared ledger", reason: "the database has not answered for \(timeout) (--db-timeout)", errno: 0)
        }
    }

}
