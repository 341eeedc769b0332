import JSON
import JobManifest
import ResultsLedger

/// What the reviewers decided of a job, as `status --json` and `report --json` give it: `approved` (under the job's
/// current key), `retake` (the take a retake added, or the one asked for its shot and not rendered yet:
/// `{"note", "take"}`, else null) and `notes` (`[{"text", "by", "t"}]`).
struct ReviewFields {
    private let decisions: Decisions
    /// Each take a retake added (its id), with the request.
    private let added: [String: Decisions.Retake]
    /// Each shot's retake not rendered yet.
    private let pending: [String: Decisions.Retake]

    init(fold: LedgerFold) {
        decisions = fold.decisions
        var added: [String: Decisions.Retake] = [:]
        var pending: [String: Decisions.Retake] = [:]
        if !decisions.retakes.isEmpty {
            let listed = Set(fold.planned.map(\.id))
            for (shot, retakes) in decisions.retakes {
                for retake in retakes {
                    let id = "\(shot)~\(retake.take)"
                    if listed.contains(id) { added[id] = retake } else { pending[shot] = retake }
                }
            }
        }
        self.added = added
        self.pending = pending
    }

    func isApproved(_ record: JobRecord) -> Bool {
        !decisions.approvals.isEmpty && decisions.approvals[record.id]?.key == record.key
    }

    func retake(_ record: JobRecord) -> Decisions.Retake? {
        guard !added.isEmpty || !pending.isEmpty else { return nil }
        return added[record.id] ?? pending[JobID.shot(of: record.id)]
    }

    func retakeJSON(_ record: JobRecord) -> JSONValue {
        retake(record).map { .object([("note", .string($0.note)), ("take", .int($0.take))]) } ?? .null
    }

    func notes(_ record: JobRecord) -> [Decisions.Note] {
        decisions.notes.isEmpty ? [] : decisions.notes[record.id] ?? []
    }

    func notesJSON(_ record: JobRecord) -> JSONValue {
        .array(notes(record).map { note in
            .object([("text", .string(note.text)), ("by", note.by.map(JSONValue.string) ?? .null), ("t", .string(note.time))])
        })
    }
}
