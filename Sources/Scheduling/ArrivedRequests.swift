import Foundation

/// Request ids that have arrived from the API but whose `submitted` line is not yet durable. Readable from any
/// thread (a second Ctrl-C, which exits at once, prints them so no paid render is lost).
public final class ArrivedRequests: @unchecked Sendable {
    private var entries: [String: String] = [:]
    private let lock = NSLock()

    public init() {}

    func add(job: String, requestID: String) {
        lock.lock()
        entries[job] = requestID
        lock.unlock()
    }

    func remove(job: String) {
        lock.lock()
        entries.removeValue(forKey: job)
        lock.unlock()
    }

    /// The ids not yet recorded, by job.
    public var unrecorded: [(job: String, requestID: String)] {
        lock.lock()
        defer { lock.unlock() }
        return entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
