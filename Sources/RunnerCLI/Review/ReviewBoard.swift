import Foundation
import JSON
import JobManifest
import ResultsLedger

/// The review room's picture of one or more run folders (a sharded batch's merge in manifest order): every shot in
/// storyboard order, grouped by scene, with its takes and what each one is (media, inputs, prompt, model, cost,
/// state, decisions), the batch's counts and spend. The page draws it; `GET /api/board` serves it as JSON.
struct ReviewBoard {
    /// One folder: its path and fold, and the decisions as the page gives them.
    struct Folder {
        var path: String
        var fold: LedgerFold
        var review: ReviewFields

        init(path: String, fold: LedgerFold) {
            self.path = path
            self.fold = fold
            review = ReviewFields(fold: fold)
        }
    }

    /// One take as the page shows it.
    struct Take {
        var folder: Int
        var record: JobRecord
        var order: Int
        var duration: Int
        var model: String?
        var estimatedCost: Double?
    }

    let folders: [Folder]
    /// What the manifests say of each job (prompt, segments, inputs), by job id.
    let shots: [String: ContactSheet.Shot]
    /// Every listed job, in storyboard order.
    let takes: [Take]

    init(folders: [Folder], shots: [String: ContactSheet.Shot]) {
        self.folders = folders
        self.shots = shots
        // A take a retake added is not in the manifest: it stands where its shot's first take does.
        var shotOrder: [String: Int] = [:]
        for (id, shot) in shots { shotOrder[JobID.shot(of: id)] = min(shotOrder[JobID.shot(of: id)] ?? Int.max, shot.order) }
        var takes: [Take] = []
        for (index, folder) in folders.enumerated() {
            let records = FoldRecords(fold: folder.fold, jobs: folder.fold.planned.map { ($0.id, $0.key) })
            for (offset, job) in folder.fold.planned.enumerated() {
                takes.append(Take(
                    folder: index, record: records[offset], order: shots[job.id]?.order ?? shotOrder[JobID.shot(of: job.id)] ?? job.index,
                    duration: job.duration, model: job.model,
                    estimatedCost: job.estimatedCost
                ))
            }
        }
        // Storyboard order over every folder; a take a retake added follows its shot's others.
        self.takes = takes.sorted { ($0.order, JobID.take(of: $0.record.id) ?? 1) < ($1.order, JobID.take(of: $1.record.id) ?? 1) }
    }

    /// The scene a job's shot belongs to (`keyframes` of `keyframes/dusk`; empty for a shot outside scenes).
    static func scene(of id: String) -> String {
        let shot = JobID.shot(of: id)
        return shot.firstIndex(of: "/").map { String(shot[..<$0]) } ?? ""
    }

    /// What the manifest says of a job: its own entry, else its shot's (a take added by a retake).
    func shot(of id: String) -> ContactSheet.Shot? {
        if let own = shots[id] { return own }
        let shot = JobID.shot(of: id)
        return shots[shot] ?? shots.first { JobID.shot(of: $0.key) == shot }?.value
    }

    /// The board as JSON: `scenes` (each `shots`, each `takes`), `counts`, `spent`, `folders`.
    func json() -> JSONValue {
        var counts: [JobState: Int] = [:]
        var scenes: [(id: String, shots: [(id: String, takes: [JSONValue])])] = []
        for take in takes {
            counts[take.record.state, default: 0] += 1
            let id = take.record.id
            let scene = Self.scene(of: id)
            let shot = JobID.shot(of: id)
            if scenes.last?.id != scene { scenes.append((scene, [])) }
            if scenes[scenes.count - 1].shots.last?.id != shot { scenes[scenes.count - 1].shots.append((shot, [])) }
            let last = scenes[scenes.count - 1].shots.count - 1
            scenes[scenes.count - 1].shots[last].takes.append(takeJSON(take))
        }
        let spent = folders.reduce(0) { $0 + $1.fold.spent }
        return .object([
            ("folders", .array(folders.map { .string($0.path) })),
            ("total", .int(takes.count)),
            ("counts", .object(JobState.allCases.compactMap { state in counts[state].map { (state.rawValue, .int($0)) } })),
            ("spent", .number(PriceList.rounded(spent))),
            ("scenes", .array(scenes.map { scene in
                .object([
                    ("id", .string(scene.id)),
                    ("shots", .array(scene.shots.map { .object([("id", .string($0.id)), ("takes", .array($0.takes))]) })),
                ])
            })),
        ])
    }

    private func takeJSON(_ take: Take) -> JSONValue {
        let record = take.record
        let folder = folders[take.folder]
        let review = folder.review
        let id = record.id
        let query = "f=\(take.folder)&job=\(Self.escapeQuery(id))"
        let media: [JSONValue] = record.fileList.enumerated().compactMap { index, file in
            guard let file else { return nil }
            return .object([("url", .string("/media?\(query)&n=\(index + 1)")), ("kind", .string(ContactSheet.mediaKind(of: file)))])
        }
        let shot = shot(of: id)
        let inputs: [JSONValue] = (shot?.inputs ?? []).enumerated().map { index, input in
            var members: [(key: String, value: JSONValue)] = [("field", .string(input.field)), ("kind", .string(input.kind.rawValue))]
            switch input.source {
            case .job(let source, let output, let frame):
                members.append(("job", .string(source)))
                // Another job's output, or the frame the run took of it: served by the source's id, never a path.
                let base = "f=\(take.folder)&job=\(Self.escapeQuery(source))&n=\(output)"
                if let frame {
                    members += [("frame", .string(frame)), ("url", .string("/frame?\(base)&frame=\(Self.escapeQuery(frame))"))]
                } else {
                    members.append(("url", .string("/media?\(base)")))
                }
            case .file(let target):
                if target.hasPrefix("http://") || target.hasPrefix("https://") {
                    members.append(("link", .string(target)))
                } else {
                    members.append(("url", .string("/input?\(query)&n=\(index + 1)")))
                }
            }
            return .object(members)
        }
        let picks = folder.fold.picks
        return .object([
            ("job", .string(id)),
            ("take", .int(JobID.take(of: id) ?? 1)),
            ("state", .string(record.state.rawValue)),
            ("key", .string(record.key)),
            ("media", .array(media)),
            ("inputs", .array(inputs)),
            ("prompt", .string(shot?.prompt ?? "")),
            ("segments", .array((shot?.segments ?? []).map { .object([("prompt", .string($0.prompt)), ("duration", .int($0.duration))]) })),
            ("model", take.model.map(JSONValue.string) ?? .string(ModelSchema.klingO3ProImageToVideo.modelID)),
            ("duration", .int(take.duration)),
            ("cost", record.cost.map { .number($0) } ?? .null),
            ("estimated_cost", take.estimatedCost.map { .number($0) } ?? .null),
            ("request_id", record.requestID.map(JSONValue.string) ?? .null),
            ("error", record.errorCode.map { .object([("code", .string($0)), ("message", .string(record.errorMessage ?? ""))]) } ?? .null),
            ("waiting_on", .array(record.waitingOn.map(JSONValue.string))),
            ("blocked_by", record.blockedBy.map { .object([("job", .string($0.job)), ("state", .string($0.state))]) } ?? .null),
            ("picked", .bool(picks[JobID.shot(of: id)] == id)),
            ("approved", .bool(review.isApproved(record))),
            ("retake", review.retakeJSON(record)),
            ("notes", review.notesJSON(record)),
        ])
    }

    /// A job id as a query value.
    static func escapeQuery(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// The file of output `n` (1-based) of `job` in folder `f`, as the ledger recorded it: the only files served.
    func outputFile(folder index: Int, job: String, output n: Int) -> String? {
        guard folders.indices.contains(index), n >= 1 else { return nil }
        let folder = folders[index]
        guard let listed = folder.fold.planned.first(where: { $0.id == job }) else { return nil }
        let record = folder.fold.currentRecord(job, listed: listed.key)
        let files = record.fileList
        guard n <= files.count, let file = files[n - 1] else { return nil }
        return file.hasPrefix("/") ? file : folder.path + "/" + file
    }

    /// The frame the run extracted of output `n` of `source` (`frames/...`, named by the source's digest): served
    /// when it is on disk.
    func frameFile(folder index: Int, source: String, output n: Int, frame: String) -> String? {
        guard folders.indices.contains(index), n >= 1, !frame.isEmpty, frame.count <= 32,
            frame.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        else { return nil }
        let folder = folders[index]
        guard let listed = folder.fold.planned.first(where: { $0.id == source }) else { return nil }
        let record = folder.fold.currentRecord(source, listed: listed.key)
        let digest = n - 1 < record.fileSHA256.count ? record.fileSHA256[n - 1] : (n == 1 ? record.sha256 : nil)
        guard let digest else { return nil }
        let path = folder.path + "/" + JobReference.frameFile(source: source, digest: digest, frame: frame)
        return access(path, F_OK) == 0 ? path : nil
    }

    /// The local input `n` (1-based, in the job's input order) of `job`, if the folder's latest run recorded the
    /// file (its media stamps): nothing else on the disk is served.
    func inputFile(folder index: Int, job: String, input n: Int) -> String? {
        guard folders.indices.contains(index), n >= 1, let inputs = shot(of: job)?.inputs, n <= inputs.count,
            case .file(let path) = inputs[n - 1].source
        else { return nil }
        let recorded = folders[index].fold.latestInputs?.inputs.media.map(\.path) ?? []
        return recorded.contains(path) ? path : nil
    }
}
