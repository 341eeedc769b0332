public import JSON

/// One line of `ledger.jsonl`: `{"v":1,"t":...,"event":...,"job":...,...}`. Events are appended, never changed.
public struct LedgerEvent: Sendable, Equatable {
    /// The kinds of event (`event` field).
    public enum Kind: String, Sendable, CaseIterable {
        case runStarted = "run_started"
        case submitIntent = "submit_intent"
        case submitted
        case submitError = "submit_error"
        case unknownOutcome = "unknown_outcome"
        case status
        case rendered
        case downloaded
        case downloadError = "download_error"
        case failed
        case expired
        case cancelRequested = "cancel_requested"
        case cancelled
        case notCancellable = "not_cancellable"
        case adopted
        case runFinished = "run_finished"
        /// A model's price as the run used it (`model`, `base_price_usd`, `price_unit`, `source`).
        case price
        /// A submit intent withdrawn before its POST started (a stop came while the intent was being written).
        case notSent = "not_sent"
        /// A take chosen as its shot's clip in the cut (`job` the take's id, `shot` its shot's id).
        case picked
        /// A shot's choice removed (`job` the take that was picked, `shot` its shot's id).
        case unpicked
        /// A job that waits on other jobs' outputs (`sources`); its `key` reads `after:<sources>`.
        case waiting
        /// A job whose source ended otherwise than completed (`source`, `source_state`): never submitted.
        case blocked
        /// A dependent's sources as its body was built for a submit (`sources`: job, sha256, ...), under its key.
        case inputsResolved = "inputs_resolved"
    }

    /// The kind.
    public var kind: Kind
    /// UTC time, ISO 8601 with milliseconds.
    public var time: String
    /// The job id (empty for run-level events).
    public var job: String
    /// The other fields, in order.
    package var fields: [(key: String, value: JSONValue)]
    /// `run_started`'s job list, kept as it was given and written straight to bytes after `fields`: as a tree of
    /// JSON values it took about 300 bytes a job (30 MB at 100,000 jobs) for the moment of one append.
    package var listedJobs: [ListedJob]?

    /// Whether a `submit_error` line written before `may_have_started` existed (version 1 ledgers) may have
    /// started a render, read from its class: only these four certainly did not.
    static func mayHaveStarted(errorClass: String?) -> Bool {
        !["not_sent", "throttled", "rejected", "fatal"].contains(errorClass ?? "")
    }

    /// Creates an event from its fields: for the constructors in `LedgerEvent+Kinds.swift`, and for tests that
    /// write lines as earlier versions did.
    package init(_ kind: Kind, job: String = "", time: String, _ fields: [(key: String, value: JSONValue)] = []) {
        self.kind = kind
        self.job = job
        self.time = time
        self.fields = fields
    }

    /// Equal when of the same kind, job and time with the same fields.
    public static func == (lhs: LedgerEvent, rhs: LedgerEvent) -> Bool {
        lhs.line == rhs.line
    }

    /// The JSON line (without its newline).
    public var line: String {
        String(decoding: lineBytes, as: UTF8.self)
    }

    /// The JSON line's bytes (without its newline).
    public var lineBytes: [UInt8] {
        let head: [(key: String, value: JSONValue)] = [("v", .int(1)), ("t", .string(time)), ("event", .string(kind.rawValue)), ("job", .string(job))]
        guard let listedJobs else { return JSONValue.object(head + fields).compactBytes }
        var out: [UInt8] = []
        out.reserveCapacity(256 + 160 * listedJobs.count)
        JSONValue.writeObject(head + fields, thenArray: "jobs", count: listedJobs.count, indent: nil, to: &out) { position, out in
            listedJobs[position].write(to: &out)
        }
        return out
    }

    /// A field's value.
    public subscript(key: String) -> JSONValue? {
        fields.first { $0.key == key }?.value
    }

    /// A string field.
    public func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }

    /// An integer field.
    public func int(_ key: String) -> Int? {
        if case .int(let value)? = self[key] { return value }
        return nil
    }

    /// A number field.
    public func number(_ key: String) -> Double? {
        switch self[key] {
        case .number(let value)?: value
        case .int(let value)?: Double(value)
        default: nil
        }
    }
}
