import Foundation
import JobManifest
import ResultsLedger

/// The storyboard's shots in manifest order, across every folder of a (sharded) batch, each with the clip its cut
/// uses or none: what `assemble` lays out.
struct CutPlan {
    struct Shot {
        /// The shot's id (`dusk/lamp`).
        var id: String
        /// The job the cut shows: the chosen take, else (for a slate) the shot's first take.
        var job: String
        /// The chosen take's clip, absolute; nil for a slate.
        var clip: String?
        /// Its planned length, in seconds.
        var seconds: Int
        /// The shot's start frame when it is a local file (a slate shows it).
        var startFrame: String?
        /// The manifest index of its first take.
        var index: Int
    }

    var shots: [Shot]
    /// The manifest's name, for the sequence.
    var name: String

    /// From each folder's fold, its latest run's jobs merged by manifest index; `only` keeps the shots (or takes)
    /// whose id matches the glob.
    init(folders: [(path: String, fold: LedgerFold)], only: String?) {
        var takes: [String: [(index: Int, folder: String, record: JobRecord, seconds: Int)]] = [:]
        var picks: [String: String] = [:]
        var manifests: [String] = []
        for (path, fold) in folders {
            if let manifest = fold.manifestPath { manifests.append(manifest) }
            picks.merge(fold.picks) { _, new in new }
            for job in fold.planned {
                let shot = JobID.shot(of: job.id)
                if let only, !Glob.matches(only, job.id), !Glob.matches(only, shot) { continue }
                takes[shot, default: []].append((job.index, path, fold.currentRecord(job.id, listed: job.key), job.duration))
            }
        }
        var shots = takes.map { shot, entries in
            let sorted = entries.sorted { $0.index < $1.index }
            let chosen = CutChoice.choice(takes: sorted.map(\.record), pick: picks[shot])
            let entry = chosen.flatMap { record in sorted.first { $0.record.id == record.id } } ?? sorted[0]
            let clip = chosen.flatMap { record in record.file.map { entry.folder + "/" + $0 } }
            return Shot(id: shot, job: entry.record.id, clip: clip, seconds: entry.seconds, startFrame: nil, index: sorted[0].index)
        }.sorted { $0.index < $1.index }
        // The manifest is read again only when a slate needs its shot's start frame (at 100,000 shots it takes seconds).
        if shots.contains(where: { $0.clip == nil }) {
            let frames = Self.startFrames(manifests: Array(Set(manifests)))
            for position in shots.indices where shots[position].clip == nil { shots[position].startFrame = frames[shots[position].job] }
        }
        self.shots = shots
        name = manifests.first.map(RunNotification.name(of:)) ?? "cut"
    }

    /// Local start frames by job id, from the manifests the folders were rendered from (when they can still be read).
    private static func startFrames(manifests: [String]) -> [String: String] {
        var frames: [String: String] = [:]
        for manifest in manifests {
            for (job, shot) in ContactSheet.shots(manifestPath: manifest) {
                if let image = shot.image, image.hasPrefix("/"), FileManager.default.fileExists(atPath: image) { frames[job] = image }
            }
        }
        return frames
    }
}
