/// The decisions a review takes (approvals, retakes, notes; picks are `LedgerFold.picks`), folded from
/// `decisions.jsonl` after the ledger's lines. They are never part of the ledger's checkpoint: the file is read
/// whole at every open (it holds what people decided, a few lines a shot).
public struct Decisions: Sendable, Equatable {
    /// A job's approval: the key it was approved under (it holds only while the job's key is this one), by whom, when.
    public struct Approval: Sendable, Equatable {
        public var key: String
        public var by: String?
        public var time: String
    }

    /// A retake asked for: the take number the next run adds to its shot, and what to change.
    public struct Retake: Sendable, Equatable {
        public var take: Int
        public var note: String
        public var by: String?
    }

    /// A note on a job.
    public struct Note: Sendable, Equatable {
        public var text: String
        public var by: String?
        public var time: String
    }

    /// Approved jobs by id.
    public internal(set) var approvals: [String: Approval] = [:]
    /// Each shot's retakes, in the order they were asked for (withdrawn ones removed).
    public internal(set) var retakes: [String: [Retake]] = [:]
    /// Each job's notes, oldest first.
    public internal(set) var notes: [String: [Note]] = [:]

    /// No decision.
    public init() {}

    /// Applies a decision (other events change nothing here).
    mutating func apply(_ event: LedgerEvent) {
        guard !event.job.isEmpty else { return }
        switch event.payload {
        case .approved(let approval):
            guard let key = approval.key else { return }
            approvals[event.job] = Approval(key: key, by: approval.by, time: event.time)
        case .unapproved:
            approvals[event.job] = nil
        case .retakeRequested(let request):
            guard let take = request.take else { return }
            let retake = Retake(take: take, note: request.note ?? "", by: request.by)
            // A second request for the same take (before a run rendered it) replaces the note.
            if let index = retakes[event.job]?.firstIndex(where: { $0.take == take }) {
                retakes[event.job]?[index] = retake
            } else {
                retakes[event.job, default: []].append(retake)
            }
        case .retakeWithdrawn(let request):
            retakes[event.job]?.removeAll { $0.take == request.take }
            if retakes[event.job]?.isEmpty == true { retakes[event.job] = nil }
        case .note(let note):
            guard let text = note.text else { return }
            notes[event.job, default: []].append(Note(text: text, by: note.by, time: event.time))
        default:
            break
        }
    }
}

extension LedgerFold {
    /// Whether `job` is approved under `key`.
    public func isApproved(_ job: String, key: String) -> Bool {
        decisions.approvals[job]?.key == key
    }

    /// The retake of `shot` asked for and not rendered yet (no run has listed its take), if any.
    public func pendingRetake(shot: String) -> Decisions.Retake? {
        guard let last = decisions.retakes[shot]?.last else { return nil }
        let id = "\(shot)~\(last.take)"
        return planned.contains { $0.id == id } ? nil : last
    }

    /// The listed jobs that wait only for an approval, each with the sources it waits on: not submitted, every
    /// source completed or itself waiting so, and one a gating source (`approve: true`) not approved under its
    /// current key, or a job waiting so. Empty, at the cost of one pass, when no job gates.
    public func awaitingApproval() -> [String: [String]] {
        guard planned.contains(where: \.approve) else { return [:] }
        var listed: [String: PlannedJob] = [:]
        for job in planned { listed[job.id] = job }
        var result: [String: [String]] = [:]
        // Until nothing changes: a chain of dependents behind one gate waits as a whole.
        var changed = true
        while changed {
            changed = false
            for job in planned where !job.sources.isEmpty && result[job.id] == nil {
                let state = currentRecord(job.id, listed: job.key).state
                guard state == .waiting || state == .pending else { continue }
                var held: [String] = []
                var ready = true
                for id in job.sources {
                    guard let source = listed[id] else {
                        ready = false
                        break
                    }
                    if result[id] != nil {
                        held.append(id)
                        continue
                    }
                    let key = currentKey(id, listed: source.key)
                    guard record(id, key: key).state == .completed else {
                        ready = false
                        break
                    }
                    if source.approve, !isApproved(id, key: key) { held.append(id) }
                }
                if ready, !held.isEmpty {
                    result[job.id] = held
                    changed = true
                }
            }
        }
        return result
    }
}
