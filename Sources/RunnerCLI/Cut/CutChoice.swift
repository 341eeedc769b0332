import JobManifest
import ResultsLedger

/// Which take of each shot the cut uses: the picked one when it is completed, else the lowest completed take;
/// a shot rendered once is its own only take. One rule for `assemble`, `report` and the contact sheet.
enum CutChoice {
    /// The job ids the cut uses, one per shot that has a completed take.
    static func chosen(records: [JobRecord], picks: [String: String]) -> Set<String> {
        var byShot: [String: [JobRecord]] = [:]
        for record in records { byShot[JobID.shot(of: record.id), default: []].append(record) }
        var chosen: Set<String> = []
        for (shot, takes) in byShot {
            if let id = choice(takes: takes, pick: picks[shot])?.id { chosen.insert(id) }
        }
        return chosen
    }

    /// The take a shot's cut uses, among its takes' records.
    static func choice(takes: [JobRecord], pick: String?) -> JobRecord? {
        let completed = takes.filter { $0.state == .completed }
        if let pick, let picked = completed.first(where: { $0.id == pick }) { return picked }
        return completed.min { (JobID.take(of: $0.id) ?? 0) < (JobID.take(of: $1.id) ?? 0) }
    }
}
