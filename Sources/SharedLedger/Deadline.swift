import Synchronization

/// Database calls with a deadline: a database that does not answer (gone, or a pool waiting for a connection it
/// cannot make) must not hold a worker, a command or a test for ever.
public enum Deadline {
    /// `body`'s value, or nil once `timeout` has passed. The call is cancelled then (one waiting for a connection
    /// gives up), and not waited for: one that the server never answers must not hold the worker.
    public static func answered<Value: Sendable>(within timeout: Duration, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value? {
        let waiting = Waiter<Value>()
        return try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0 = continuation }
            let work = Task {
                let result: Result<Value?, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                waiting.withLock { $0.take() }?.resume(with: result)
            }
            Task {
                try? await Task.sleep(for: timeout)
                guard let continuation = waiting.withLock({ $0.take() }) else { return }
                work.cancel()
                continuation.resume(returning: nil)
            }
        }
    }

    /// The continuation `answered` resumes once, whichever comes first.
    private final class Waiter<Value: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<Value?, any Error>?>(nil)
        func withLock<Result>(_ body: (inout CheckedContinuation<Value?, any Error>?) -> Result) -> Result {
            continuation.withLock { body(&$0) }
        }
    }
}
