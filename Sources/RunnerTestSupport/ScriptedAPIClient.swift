public import ModelAPI
import MediaTools
import NIOConcurrencyHelpers
import Crypto
import JSON

/// A fake `ModelAPIClient` for scheduler tests: answers come from closures the test sets, every call is
/// recorded, and the largest number of requests in flight at once is tracked.
public final class ScriptedAPIClient: ModelAPIClient, Sendable {
    public struct Calls: Sendable {
        public var submits = 0
        public var results = 0
        public var downloads = 0
        public var cancels = 0
        public var inFlight = 0
        public var maxInFlight = 0
        /// Request ids in flight (submitted, not yet rendered or failed), at most at once.
        public var activeJobs: Set<String> = []
        public var maxActiveJobs = 0
    }

    // Pthread locks (NIO's), not `Synchronization.Mutex`: the scheduler's tests run under ThreadSanitizer, which on
    // Linux does not see a `Mutex`'s futex as a lock.
    private let calls = NIOLockedValueBox(Calls())
    private let nextID = NIOLockedValueBox(0)
    private let polls = NIOLockedValueBox([String: Int]())

    private struct Handlers {
        var onSubmit: @Sendable ([UInt8], Int) async throws -> Submission
        var onResult: @Sendable (String, Int) async throws -> ResultReport
        var onDownload: @Sendable (String) async throws -> [UInt8]
    }

    private let handlers: NIOLockedValueBox<Handlers>

    /// Called before each submit answers (the test may look at the ledger here); return the answer.
    public var onSubmit: @Sendable ([UInt8], Int) async throws -> Submission {
        get { handlers.withLockedValue { $0.onSubmit } }
        set { handlers.withLockedValue { $0.onSubmit = newValue } }
    }
    /// Answers a result call for a request id and the number of polls so far for it.
    public var onResult: @Sendable (String, Int) async throws -> ResultReport {
        get { handlers.withLockedValue { $0.onResult } }
        set { handlers.withLockedValue { $0.onResult = newValue } }
    }
    /// Answers a download: the bytes to write.
    public var onDownload: @Sendable (String) async throws -> [UInt8] {
        get { handlers.withLockedValue { $0.onDownload } }
        set { handlers.withLockedValue { $0.onDownload = newValue } }
    }

    /// A client whose jobs complete on their second poll.
    public init() {
        let counter = nextID
        handlers = NIOLockedValueBox(Handlers(
            onSubmit: { _, _ in
                let id = counter.withLockedValue { value -> Int in
                    value += 1
                    return value
                }
                return Submission(requestID: "req_\(id)")
            },
            onResult: { id, poll in
                poll >= 2 ? ResultReport(state: .completed, outputs: ["https://cdn.example.com/\(id).mp4"], cost: 0.5) : ResultReport(state: .inProgress)
            },
            onDownload: { _ in Array("ftypmp42 fake video".utf8) }
        ))
    }

    public var recorded: Calls { calls.withLockedValue { $0 } }

    /// Runs a scripted answer, passing its `APIError` on (anything else becomes a transient one).
    private static func typed<T>(_ body: () async throws -> T) async throws(APIError) -> T {
        do {
            return try await body()
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.transient, code: "script", message: "\(error)")
        }
    }

    private func enter() {
        calls.withLockedValue {
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
    }

    private func leave() {
        calls.withLockedValue { $0.inFlight -= 1 }
    }

    public func submit(modelID: String, body: [UInt8]) async throws(APIError) -> Submission {
        enter()
        defer { leave() }
        let attempt = calls.withLockedValue { calls -> Int in
            calls.submits += 1
            return calls.submits
        }
        let submission = try await Self.typed { try await self.onSubmit(body, attempt) }
        calls.withLockedValue {
            $0.activeJobs.insert(submission.requestID)
            $0.maxActiveJobs = max($0.maxActiveJobs, $0.activeJobs.count)
        }
        return submission
    }

    public func status(requestID: String) async throws(APIError) -> StatusReport {
        StatusReport(state: try await result(requestID: requestID).state)
    }

    public func result(requestID: String) async throws(APIError) -> ResultReport {
        enter()
        defer { leave() }
        calls.withLockedValue { $0.results += 1 }
        let poll = polls.withLockedValue { polls -> Int in
            polls[requestID, default: 0] += 1
            return polls[requestID]!
        }
        let report = try await Self.typed { try await self.onResult(requestID, poll) }
        if report.state.isTerminal { _ = calls.withLockedValue { $0.activeJobs.remove(requestID) } }
        return report
    }

    public func cancel(requestID: String) async throws(APIError) -> CancelReport {
        calls.withLockedValue { $0.cancels += 1 }
        return CancelReport(outcome: .cancelled, state: .cancelled)
    }

    public func modelInfo(modelID: String) async throws(APIError) -> ModelInfo {
        ModelInfo(basePriceUSD: 0.112, priceUnit: "second")
    }

    public func download(from url: String, toBase base: String, maxBytes: Int) async throws(APIError) -> Download {
        calls.withLockedValue { $0.downloads += 1 }
        let bytes = try await Self.typed { try await self.onDownload(url) }
        let mediaType = MediaSniffer.mediaType(of: bytes)
        let path = base + "." + (mediaType.flatMap(MediaSniffer.fileExtension(of:)) ?? Download.fileExtension(ofURL: url))
        do {
            try FileWriter.write(bytes, to: path)
        } catch {
            throw APIError(.transient, code: "local_io", message: "\(error)")
        }
        return Download(path: path, bytes: bytes.count, sha256: Hex.lowercase(SHA256.hash(data: bytes)), mediaType: mediaType)
    }
}
