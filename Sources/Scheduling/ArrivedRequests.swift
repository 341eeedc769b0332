import NIOConcurrencyHelpers

/// Request ids that have arrived from the API but whose `submitted` line is not yet durable. Readable from any
/// thread (a second Ctrl-C, which exits at once, prints them so no paid render is lost).
public final class ArrivedRequests: Sendable {
    /// A pthread lock (NIO's), not `Synchronization.Mutex`: the scheduler's tests run under ThreadSanitizer, which on
    /// Linux does not see a `Mutex`'s futex as a lock and reports its guarded accesses as races.
    private let entries = NIOLockedValueBox<[String: String]>([:])

    /// None arrived yet.
    public init() {}

    func add(job: String, requestID: String) {
        entries.withLockedValue { $0[job] = requestID }
    }

    func remove(job: String) {
        entries.withLockedValue { _ = $0.removeValue(forKey: job) }
    }

    /// The ids not yet recorded, by job.
    public var unrecorded: [(job: String, requestID: String)] {
        entries.withLockedValue { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}
