/// The answer to a submit: the request's id and the URLs to follow it.
public struct Submission: Sendable, Equatable {
    /// The request id (`^[A-Za-z0-9_-]{1,128}$`).
    public var requestID: String
    /// Where to poll the status, as the service gave it.
    public var statusURL: String?
    /// Where to fetch the result.
    public var resultURL: String?
    /// Where to cancel it while queued.
    public var cancelURL: String?

    /// Creates a submission.
    public init(requestID: String, statusURL: String? = nil, resultURL: String? = nil, cancelURL: String? = nil) {
        self.requestID = requestID
        self.statusURL = statusURL
        self.resultURL = resultURL
        self.cancelURL = cancelURL
    }

    /// Whether a request id is one the client accepts (the form RunComfy's own clients check).
    public static func isValidRequestID(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...128).contains(bytes.count) && bytes.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }
}

/// Where a request stands. The service's set of statuses is open-ended: an unknown value is kept, reported,
/// and counts as not terminal.
public enum RequestState: Sendable, Equatable, CustomStringConvertible {
    /// Waiting for a worker.
    case inQueue
    /// Rendering (billed from here on; no longer cancellable).
    case inProgress
    /// Done, with output.
    case completed
    /// Cancelled while queued.
    case cancelled
    /// Ended without output.
    case failed
    /// A value this client does not know.
    case unknown(String)

    /// Reads a status value, mapping the synonyms RunComfy's own clients accept.
    public init(_ value: String) {
        switch value.lowercased() {
        case "in_queue", "queued", "pending", "waiting": self = .inQueue
        case "in_progress", "running", "processing", "starting": self = .inProgress
        case "completed", "succeeded", "success": self = .completed
        case "cancelled", "canceled": self = .cancelled
        case "failed", "error": self = .failed
        default: self = .unknown(value)
        }
    }

    /// Whether the request will not change any more.
    public var isTerminal: Bool {
        switch self {
        case .completed, .cancelled, .failed: true
        case .inQueue, .inProgress, .unknown: false
        }
    }

    /// The wire value.
    public var description: String {
        switch self {
        case .inQueue: "in_queue"
        case .inProgress: "in_progress"
        case .completed: "completed"
        case .cancelled: "cancelled"
        case .failed: "failed"
        case .unknown(let value): value
        }
    }
}

/// A status poll's answer.
public struct StatusReport: Sendable, Equatable {
    /// Where the request stands.
    public var state: RequestState
    /// Its place in the queue, while queued.
    public var queuePosition: Int?

    /// Creates a report.
    public init(state: RequestState, queuePosition: Int? = nil) {
        self.state = state
        self.queuePosition = queuePosition
    }
}

/// A result fetch's answer: the outputs once there are any, else the current state.
public struct ResultReport: Sendable, Equatable {
    /// Where the request stands; `.completed` whenever there is output, whatever the status said.
    public var state: RequestState
    /// The output URLs (`output.video`, else `output.videos`, `output.image`, `output.images`).
    public var outputs: [String]
    /// What the render cost in USD, when the service says (`include_cost=true`).
    public var cost: Double?
    /// Why it failed, as the service put it.
    public var error: String?

    /// Creates a report.
    public init(state: RequestState, outputs: [String] = [], cost: Double? = nil, error: String? = nil) {
        self.state = state
        self.outputs = outputs
        self.cost = cost
        self.error = error
    }
}

/// A cancel's answer.
public struct CancelReport: Sendable, Equatable {
    /// What the service did.
    public enum Outcome: String, Sendable, Equatable {
        /// Cancelled: it was still queued; nothing is billed.
        case cancelled
        /// Already running or finished: it goes on and is billed.
        case notCancellable = "not_cancellable"
    }

    /// What the service did.
    public var outcome: Outcome
    /// The request's state after the call, when given.
    public var state: RequestState?

    /// Creates a report.
    public init(outcome: Outcome, state: RequestState? = nil) {
        self.outcome = outcome
        self.state = state
    }
}

/// The model's record: its price.
public struct ModelInfo: Sendable, Equatable {
    /// USD per `priceUnit`.
    public var basePriceUSD: Double?
    /// What the price is per (`second`).
    public var priceUnit: String?
    /// The price's own words (`pricing_note`), where the record has them ("sound adds 25%").
    public var pricingNote: String?

    /// Creates a record.
    public init(basePriceUSD: Double?, priceUnit: String?, pricingNote: String? = nil) {
        self.basePriceUSD = basePriceUSD
        self.priceUnit = priceUnit
        self.pricingNote = pricingNote
    }
}

/// A finished download.
public struct Download: Sendable, Equatable {
    /// Where the file now is.
    public var path: String
    /// Its size.
    public var bytes: Int
    /// Its SHA-256, lowercase hex.
    public var sha256: String
    /// What its bytes show it is, if shotrunner recognises it.
    public var mediaType: String?

    /// Creates a record.
    public init(path: String, bytes: Int, sha256: String, mediaType: String? = nil) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.mediaType = mediaType
    }

    /// The extension of a URL's last path segment when it is a short alphanumeric one, else `bin`.
    public static func fileExtension(ofURL url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "bin" }
        let ext = last[last.index(after: dot)...].lowercased()
        return !ext.isEmpty && ext.count <= 5 && ext.allSatisfy({ $0.isLetter || $0.isNumber }) && ext.allSatisfy(\.isASCII) ? ext : "bin"
    }
}
