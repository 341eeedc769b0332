/// One accepted request, its fate decided when it was accepted.
struct SimulatedJob: Sendable {
    enum Outcome: String, Sendable {
        case completed
        case failed
    }

    let id: String
    let modelID: String
    let bodyDigest: String
    /// What it renders, and how many outputs.
    let kind: OutputKind
    let outputs: Int
    /// What the result says it cost, in USD.
    let cost: Double
    /// Simulated seconds.
    let submittedAt: Double
    let startsAt: Double
    let endsAt: Double
    let outcome: Outcome
    /// Its id expires once it has rendered.
    let expires: Bool
    /// The timed clip its output is, when it has one.
    var timedClip: ClipRequest?
    /// What the submit's answer was made to suffer (`error_after_accept`, `lost_response`, `slow_response`).
    var submitFault: String?
    var cancelledAt: Double?
    /// When a status or result call first showed the job finished (simulated seconds): the client's detection.
    var firstSeenDoneAt: Double?
    /// Status and result calls made for this request.
    var polls = 0

    /// The status at a simulated time; `nil` once the id has expired.
    func status(at now: Double) -> String? {
        if let cancelledAt, cancelledAt <= now { return "cancelled" }
        if now < startsAt { return "in_queue" }
        if now < endsAt { return "in_progress" }
        if expires { return nil }
        return outcome.rawValue
    }

    /// Whether it still takes one of the account's slots.
    func isActive(at now: Double) -> Bool {
        cancelledAt == nil && now < endsAt
    }
}
