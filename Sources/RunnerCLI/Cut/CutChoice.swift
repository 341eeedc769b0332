import JobManifest
import ResultsLedger

/// Which take of each shot the cut uses: the picked one when it is completed, else the lowest completed take;
/// a shot rendered once is its own only take. One rule for `assemble`, `report` and the contact sheet.
enum CutChoice {
    /// The job ids the cut uses, one per shot that has a completed take.
    static func chosen(records: some Sequence<JobRecord>, picks: [String: String]) -> Set<String> {
        // Per shot, its picked take once seen completed, else its lowest completed take (as `choice` decides), kept
        // as ids: no list of records per shot.
        var best: [String: (id: String, take: Int, picked: Bool)] = [:]
        for record in records where record.state == .completed {
            let shot = JobID.shot(of: record.id)
            let candidate = (id: record.id, take: JobID.take(of: record.id) ?? 0, picked: picks[shot] == record.id)
            guard let current = best[shot] else {
                best[shot] = candidate
                continue
            }
            if current.picked { continue }
            if candidate.picked || candidate.take < current.take { best[shot] = candidate }
        }
        return Set(best.values.map(\.id))
    }

    /// The take a shot's cut uses, among its takes' records.
    static func choice(takes: [JobRecord], pick: String?) -> JobRecord? {
        let completed = takes.filter { $0.state == .completed }
        if let pick, let picked = completed.first(where: { $0.id == pick }) { return picked }
        return completed.min { (JobID.take(of: $0.id) ?? 0) < (JobID.take(of: $1.id) ?? 0) }
    }
}
