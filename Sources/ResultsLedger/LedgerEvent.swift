package import JSON

/// One line of `ledger.jsonl`: a header (version, time, kind, job) and the kind's typed fields. Events are appended,
/// never changed. Their fields are described in `LedgerSchema.swift`; the constructors are in `LedgerEvent+Kinds.swift`.
public struct LedgerEvent: Sendable, Equatable {
    /// UTC time, ISO 8601 with milliseconds.
    public var time: String
    /// The job id (empty for run-level events).
    public var job: String
    /// What the event says.
    public var payload: Payload

    /// The kind.
    public var kind: Kind { payload.kind }

    /// A member of an object kept in order (a model and its digest, a state and its count).
    public struct Named<Value: Sendable & Equatable>: Sendable, Equatable {
        public var name: String
        public var value: Value

        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// An event's fields, by kind. Indirect: an event is then one reference wide, so the many copies a line makes on
    /// its way to disk and into the fold are a retain each, not a copy of every field.
    public indirect enum Payload: Sendable, Equatable {
        case runStarted(RunStart)
        case price(Price)
        case submitIntent(Intent)
        case submitted(Request)
        case submitError(SubmitFailure)
        case notSent(Withdrawal)
        case unknownOutcome(Failure)
        case status(StatusChange)
        case rendered(Render)
        case downloaded(Download)
        case downloadError(DownloadFailure)
        case failed(Failure)
        case expired(Failure)
        case cancelRequested(Request)
        case cancelled(Request)
        case notCancellable(Request)
        case adopted(Request)
        case waiting(Wait)
        case blocked(Block)
        case inputsResolved(Resolution)
        case picked(Pick)
        case unpicked(Pick)
        case runFinished(RunEnd)
        case approved(Approval)
        case unapproved(Approval)
        case retakeRequested(RetakeRequest)
        case retakeWithdrawn(RetakeRequest)
        case note(Note)

        /// The kind these fields belong to.
        public var kind: Kind {
            switch self {
            case .runStarted: .runStarted
            case .price: .price
            case .submitIntent: .submitIntent
            case .submitted: .submitted
            case .submitError: .submitError
            case .notSent: .notSent
            case .unknownOutcome: .unknownOutcome
            case .status: .status
            case .rendered: .rendered
            case .downloaded: .downloaded
            case .downloadError: .downloadError
            case .failed: .failed
            case .expired: .expired
            case .cancelRequested: .cancelRequested
            case .cancelled: .cancelled
            case .notCancellable: .notCancellable
            case .adopted: .adopted
            case .waiting: .waiting
            case .blocked: .blocked
            case .inputsResolved: .inputsResolved
            case .picked: .picked
            case .unpicked: .unpicked
            case .runFinished: .runFinished
            case .approved: .approved
            case .unapproved: .unapproved
            case .retakeRequested: .retakeRequested
            case .retakeWithdrawn: .retakeWithdrawn
            case .note: .note
            }
        }

        /// Visits the fields with `visitor` (a generic call per kind: no existential box on the way to disk).
        func visit<Visitor: LedgerFieldVisitor>(_ visitor: inout Visitor) {
            func go<Fields: LedgerFields>(_ fields: Fields) {
                var fields = fields
                fields.fields(&visitor)
            }
            switch self {
            case .runStarted(let fields): go(fields)
            case .price(let fields): go(fields)
            case .submitIntent(let fields): go(fields)
            case .submitted(let fields), .cancelRequested(let fields), .cancelled(let fields), .notCancellable(let fields), .adopted(let fields):
                go(fields)
            case .submitError(let fields): go(fields)
            case .notSent(let fields): go(fields)
            case .unknownOutcome(let fields), .failed(let fields), .expired(let fields): go(fields)
            case .status(let fields): go(fields)
            case .rendered(let fields): go(fields)
            case .downloaded(let fields): go(fields)
            case .downloadError(let fields): go(fields)
            case .waiting(let fields): go(fields)
            case .blocked(let fields): go(fields)
            case .inputsResolved(let fields): go(fields)
            case .picked(let fields), .unpicked(let fields): go(fields)
            case .runFinished(let fields): go(fields)
            case .approved(let fields), .unapproved(let fields): go(fields)
            case .retakeRequested(let fields), .retakeWithdrawn(let fields): go(fields)
            case .note(let fields): go(fields)
            }
        }

        /// The job's key, for the kinds that concern one job under one key.
        var key: String? {
            switch self {
            case .submitIntent(let fields): fields.key
            case .submitted(let fields), .cancelRequested(let fields), .cancelled(let fields), .notCancellable(let fields), .adopted(let fields):
                fields.key
            case .submitError(let fields): fields.key
            case .notSent(let fields): fields.key
            case .unknownOutcome(let fields), .failed(let fields), .expired(let fields): fields.key
            case .status(let fields): fields.key
            case .rendered(let fields): fields.key
            case .downloaded(let fields): fields.key
            case .downloadError(let fields): fields.key
            case .waiting(let fields): fields.key
            case .blocked(let fields): fields.key
            case .inputsResolved(let fields): fields.key
            case .runStarted, .price, .picked, .unpicked, .runFinished, .approved, .unapproved, .retakeRequested, .retakeWithdrawn, .note: nil
            }
        }

        /// Reads the fields of a `kind` through `reader`.
        static func read<Reader: LedgerFieldVisitor>(_ kind: Kind, _ reader: inout Reader) -> Payload {
            func read<Fields: LedgerFields>(_: Fields.Type = Fields.self) -> Fields {
                var fields = Fields()
                fields.fields(&reader)
                return fields
            }
            return switch kind {
            case .runStarted: .runStarted(read())
            case .price: .price(read())
            case .submitIntent: .submitIntent(read())
            case .submitted: .submitted(read())
            case .submitError: .submitError(read())
            case .notSent: .notSent(read())
            case .unknownOutcome: .unknownOutcome(read())
            case .status: .status(read())
            case .rendered: .rendered(read())
            case .downloaded: .downloaded(read())
            case .downloadError: .downloadError(read())
            case .failed: .failed(read())
            case .expired: .expired(read())
            case .cancelRequested: .cancelRequested(read())
            case .cancelled: .cancelled(read())
            case .notCancellable: .notCancellable(read())
            case .adopted: .adopted(read())
            case .waiting: .waiting(read())
            case .blocked: .blocked(read())
            case .inputsResolved: .inputsResolved(read())
            case .picked: .picked(read())
            case .unpicked: .unpicked(read())
            case .runFinished: .runFinished(read())
            case .approved: .approved(read())
            case .unapproved: .unapproved(read())
            case .retakeRequested: .retakeRequested(read())
            case .retakeWithdrawn: .retakeWithdrawn(read())
            case .note: .note(read())
            }
        }
    }

    /// An event of `payload`'s kind.
    public init(job: String = "", time: String, _ payload: Payload) {
        self.job = job
        self.time = time
        self.payload = payload
    }

    /// An event read from fields given as JSON values, as a line of them would be read: for tests that write lines as
    /// earlier versions did (fields this version does not know are dropped).
    package init(_ kind: Kind, job: String = "", time: String, _ fields: [(key: String, value: JSONValue)] = []) {
        let bytes = JSONValue.object([("\(Self.header.event)", .string(kind.rawValue))] + fields).compactBytes
        // Read while the bytes live: the reader's slices point into them.
        let payload = bytes.withUnsafeBufferPointer { buffer in
            var reader = LedgerLineReader(members: (try? JSONSlice.rootMembers(buffer)) ?? [])
            return Payload.read(kind, &reader)
        }
        self.init(job: job, time: time, payload)
    }

    /// Whether a `submit_error` line written before `may_have_started` existed (version 1 ledgers) may have
    /// started a render, read from its class: only these four certainly did not.
    static func mayHaveStarted(errorClass: String?) -> Bool {
        !["not_sent", "throttled", "rejected", "fatal"].contains(errorClass ?? "")
    }

    /// Equal when of the same kind, job and time with the same fields.
    public static func == (lhs: LedgerEvent, rhs: LedgerEvent) -> Bool {
        lhs.time == rhs.time && lhs.job == rhs.job && lhs.payload == rhs.payload
    }

    /// The JSON line (without its newline).
    public var line: String {
        String(decoding: lineBytes, as: UTF8.self)
    }

    /// The JSON line's bytes (without its newline).
    public var lineBytes: [UInt8] {
        var writer = LedgerLineWriter(header: self)
        payload.visit(&writer)
        return writer.finish()
    }
}
