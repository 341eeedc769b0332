import Crypto
import AtomicFiles
import Foundation
import HTTPTypes
import MediaTools
import JSON
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Model API over HTTP: requests built, answers parsed and classified. The token goes into the
/// `Authorization` header of API calls only: never to output hosts, never into an error or a log.
public struct HTTPModelAPIClient: ModelAPIClient {
    /// Where and how to reach the API.
    public struct Configuration: Sendable {
        /// `https://model-api.runcomfy.net`, or the simulator's address.
        public var baseURL: String
        /// Read timeout for a submit (its body may carry data-URI images).
        public var submitReadTimeout: Duration = .seconds(90)
        /// Read timeout for status, result, cancel and model info.
        public var pollReadTimeout: Duration = .seconds(30)
        /// Read timeout between parts of a download.
        public var downloadReadTimeout: Duration = .seconds(60)

        /// Creates a configuration.
        public init(baseURL: String) {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            self.baseURL = base
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    let token: Token
    let transport: any HTTPTransport

    /// Creates a client over a transport.
    public init(configuration: Configuration, token: Token, transport: any HTTPTransport) {
        self.configuration = configuration
        self.token = token
        self.transport = transport
    }

    private var apiHeaders: HTTPFields {
        [.authorization: "Bearer " + token.value, .accept: "application/json", .userAgent: "shotrunner"]
    }

    public func submit(modelID: String, body: [UInt8]) async throws(APIError) -> Submission {
        // The model id goes into the path unescaped: its slashes are path segments.
        var headers = apiHeaders
        headers[.contentType] = "application/json"
        headers[.connection] = "close"
        let request = TransportRequest(configuration.request(.post, "/v1/models/\(modelID)", headers), body: body, freshConnection: true)
        let json = try await call(request, .submit, readTimeout: configuration.submitReadTimeout)
        guard let id = json.string("request_id"), Submission.isValidRequestID(id) else {
            throw APIError(.ambiguous, code: "no_request_id", httpStatus: 200, message: "the submit was answered without a usable request_id")
        }
        return Submission(
            requestID: id,
            statusURL: json.string("status_url"),
            resultURL: json.string("result_url"),
            cancelURL: json.string("cancel_url")
        )
    }

    public func status(requestID: String) async throws(APIError) -> StatusReport {
        let json = try await call(get(requestPath(requestID, "status")), .poll, readTimeout: configuration.pollReadTimeout)
        guard let value = json.string("status") else {
            throw APIError(.transient, code: "bad_response", httpStatus: 200, message: "the status answer has no status")
        }
        return StatusReport(state: RequestState(value), queuePosition: ResponseParser.integer(json["queue_position"]))
    }

    public func result(requestID: String) async throws(APIError) -> ResultReport {
        let json = try await call(get(requestPath(requestID, "result") + "?include_cost=true"), .poll, readTimeout: configuration.pollReadTimeout)
        let outputs = ResponseParser.outputs(json)
        var state = json.string("status").map(RequestState.init) ?? .unknown("")
        // A result that carries an output counts as completed, whatever its status says.
        if !outputs.isEmpty { state = .completed }
        let error = json.present("error").map(ResponseParser.text(of:))
        return ResultReport(state: state, outputs: outputs, cost: ResponseParser.number(json["cost"]), error: error)
    }

    public func cancel(requestID: String) async throws(APIError) -> CancelReport {
        let request = TransportRequest(configuration.request(.post, requestPath(requestID, "cancel"), apiHeaders))
        let json = try await call(request, .poll, readTimeout: configuration.pollReadTimeout)
        let state = json.string("status").map(RequestState.init)
        let cancelled = json.string("outcome") == "cancelled" || state == .cancelled
        return CancelReport(outcome: cancelled ? .cancelled : .notCancellable, state: state)
    }

    public func modelInfo(modelID: String) async throws(APIError) -> ModelInfo {
        let json = try await call(get("/v1/models/\(modelID)"), .modelInfo, readTimeout: configuration.pollReadTimeout)
        return ModelInfo(basePriceUSD: ResponseParser.number(json["base_price_usd"]), priceUnit: json.string("price_unit"), pricingNote: json.string("pricing_note"))
    }

    public func download(from url: String, toBase base: String, maxBytes: Int) async throws(APIError) -> Download {
        guard DownloadURLPolicy.allows(url) else {
            throw APIError(.rejected, code: "insecure_url", message: "the output URL is neither https nor on this machine: \(DownloadURLPolicy.redacted(url))")
        }
        var path = base + ".part"
        let file: AtomicFile
        do {
            file = try AtomicFile(beside: path)
        } catch {
            throw Self.localError(error, path)
        }
        let hasher = HashingSink(file: file)
        do {
            let reply = try await transport.stream(url, readTimeout: configuration.downloadReadTimeout, maxBytes: maxBytes) { chunk in
                try hasher.write(chunk)
            }
            guard reply.status.kind == .successful else {
                file.discard()
                throw ErrorClassifier.classify(status: reply.status.code, body: ErrorBody(), retryAfter: nil, call: .download)
            }
            let (bytes, digest, head) = hasher.finish()
            let mediaType = MediaSniffer.mediaType(of: head)
            path = base + "." + (mediaType.flatMap(MediaSniffer.fileExtension(of:)) ?? Download.fileExtension(ofURL: url))
            try file.commit(to: path)
            return Download(path: path, bytes: bytes, sha256: digest, mediaType: mediaType)
        } catch let failure as TransportFailure {
            file.discard()
            throw ErrorClassifier.classify(failure, call: .download)
        } catch let error as APIError {
            file.discard()
            throw error
        } catch {
            file.discard()
            throw Self.localError(error, path)
        }
    }

    /// A failure to write the video here: a full disk, a read-only or vanished folder (never worth a retry).
    static func localError(_ error: any Error, _ path: String) -> APIError {
        guard let failure = error as? AtomicFile.Failure else {
            return APIError(.localIO, code: "local_io", message: "writing \(path) failed: \(error)")
        }
        let code = switch failure.code {
        case ENOSPC, EDQUOT: "disk_full"
        case EROFS: "read_only"
        case ENOENT: "folder_missing"
        default: "local_io"
        }
        return APIError(.localIO, code: code, message: "writing \(path) failed: \(failure)")
    }

    // MARK: - Plumbing

    private func requestPath(_ id: String, _ action: String) -> String {
        // A request id is checked before it is used in a path; anything else could walk elsewhere.
        let safe = Submission.isValidRequestID(id) ? id : id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "invalid"
        return "/v1/requests/\(safe)/\(action)"
    }

    private func get(_ path: String) -> TransportRequest {
        TransportRequest(configuration.request(.get, path, apiHeaders))
    }

    /// Sends, then sorts the answer: a JSON object on success; an `APIError` for every other outcome, including a
    /// 2xx body carrying `error_code`.
    private func call(_ request: TransportRequest, _ kind: CallKind, readTimeout: Duration) async throws(APIError) -> ReplyObject {
        let reply: HTTPReply
        do {
            reply = try await transport.send(request, readTimeout: readTimeout)
        } catch {
            throw ErrorClassifier.classify(error, call: kind)
        }
        let json = ResponseParser.object(reply.body)
        let retryAfter = ErrorClassifier.retryAfter(reply.firstValue(.retryAfter))
        let status = reply.status.code
        guard reply.status.kind == .successful else {
            throw ErrorClassifier.classify(status: status, body: ResponseParser.errorBody(json), retryAfter: retryAfter, call: kind)
        }
        guard let json else {
            throw APIError(ErrorClassifier.afterSend(kind), code: "bad_response", httpStatus: status, message: "the answer is not a JSON object")
        }
        if json.present("error_code") != nil {
            throw ErrorClassifier.classify(status: status, body: ResponseParser.errorBody(json), retryAfter: retryAfter, call: kind)
        }
        return json
    }
}

/// An API token. Its description is redacted, so it cannot leak through string interpolation.
public struct Token: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; use it only to build the `Authorization` header.
    public let value: String

    /// Wraps a token.
    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Hashes what is written to a file, counting bytes.
final class HashingSink: Sendable {
    private struct State {
        var hasher = SHA256()
        var count = 0
        var head: [UInt8] = []
    }

    private let file: AtomicFile
    private let state = Mutex(State())

    init(file: AtomicFile) {
        self.file = file
    }

    func write(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            try file.write(bytes)
            state.hasher.update(data: bytes)
            state.count += bytes.count
            if state.head.count < MediaSniffer.headLength { state.head += bytes.prefix(MediaSniffer.headLength - state.head.count) }
        }
    }

    /// The byte count, the SHA-256 and the first bytes (what the file is).
    func finish() -> (Int, String, [UInt8]) {
        state.withLock { state in (state.count, Hex.lowercase(state.hasher.finalize()), state.head) }
    }
}
