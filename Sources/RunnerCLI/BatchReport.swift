import Foundation
import JobManifest
import ResultsLedger
import JSON

/// One or more run folders (the shards of a batch) as one report: the terminal table, the JSON document that
/// `report --json` prints and `summary.json` holds, and JUnit XML for CI.
struct BatchReport {
    struct Entry {
        var folder: String
        var record: JobRecord
        var duration: Int
        /// The take `pick` chose for its shot.
        var picked = false
        /// The take the cut uses (the pick, else the shot's lowest completed take).
        var inCut = false
        /// The reviewers' decisions on it (`approved`, `retake`, `notes`).
        var review: ReviewFields?
    }

    var folders: [String]
    var baseURLs: [String]
    /// Every folder's jobs of its latest run, in order, each made on reading from its folder's fold.
    let entries: Entries
    var wallSeconds: Double
    /// The folders' spend, as the ledger's fold defines it (every submit that may have started, superseded renders
    /// and jobs outside the latest run's list included), and the part of it since each folder's latest run began.
    var spent: Double
    var spentLatestRun: Double

    /// One folder's part of the report: its fold, shared, and its listed jobs' records read in place. A class:
    /// reading an entry would otherwise copy the part (the fold's two dozen fields, retained and released) each
    /// time, which was a third of writing a 100,000-job `summary.json`.
    final class Part: Sendable {
        let path: String
        let fold: LedgerFold
        let records: FoldRecords
        /// The takes the cut uses, among shots with several (a shot rendered once is in the cut once completed).
        let takesInCut: Set<String>
        /// Whether any shot has a picked take (most folders have none, and their entries skip the lookup).
        let hasPicks: Bool
        /// The folder's decisions as the report gives them.
        let review: ReviewFields

        init(path: String, fold: LedgerFold, records: FoldRecords, takesInCut: Set<String>) {
            self.path = path
            self.fold = fold
            self.records = records
            self.takesInCut = takesInCut
            hasPicks = !fold.picks.isEmpty
            review = ReviewFields(fold: fold)
        }

        func inCut(_ record: JobRecord) -> Bool {
            JobID.take(of: record.id) == nil ? record.state == .completed : takesInCut.contains(record.id)
        }
    }

    /// The entries of every folder as one collection: an entry is made when read, so that a 100,000-job report
    /// holds no copy of the folds' records (it once held three at a run's end, about 100 MB).
    struct Entries: RandomAccessCollection, Sendable {
        let parts: [Part]
        /// Where each part's entries start.
        private let starts: [Int]
        let endIndex: Int
        var startIndex: Int { 0 }

        init(parts: [Part]) {
            self.parts = parts
            var starts: [Int] = []
            var total = 0
            for part in parts {
                starts.append(total)
                total += part.records.count
            }
            self.starts = starts
            endIndex = total
        }

        /// The part and the place in it of an entry.
        func locate(_ position: Int) -> (part: Int, offset: Int) {
            var part = parts.count - 1
            while part > 0, starts[part] > position { part -= 1 }
            return (part, position - starts[part])
        }

        subscript(position: Int) -> Entry {
            let (index, offset) = locate(position)
            let part = parts[index]
            let record = part.records[offset]
            return Entry(
                folder: part.path, record: record, duration: part.fold.planned[offset].duration,
                picked: part.hasPicks && part.fold.picks[JobID.shot(of: record.id)] == record.id, inCut: part.inCut(record), review: part.review
            )
        }

        /// An entry's state, without copying its record.
        func state(at position: Int) -> JobState {
            let (index, offset) = locate(position)
            return parts[index].records.state(at: offset)
        }
    }

    /// Folds each folder's ledger and lists the jobs of its latest run.
    init(folders: [(path: String, fold: LedgerFold)]) {
        self.folders = folders.map(\.path)
        spent = folders.reduce(0) { $0 + $1.fold.spent }
        spentLatestRun = folders.reduce(0) { $0 + $1.fold.spentInLatestRun }
        baseURLs = Array(Set(folders.compactMap(\.fold.baseURL))).sorted()
        entries = Entries(parts: folders.map { folder in
            let records = FoldRecords(fold: folder.fold, jobs: folder.fold.planned.map { ($0.id, $0.key) })
            let takes = records.indices.lazy.filter { JobID.take(of: folder.fold.planned[$0].id) != nil }.map { records[$0] }
            return Part(path: folder.path, fold: folder.fold, records: records, takesInCut: CutChoice.chosen(records: takes, picks: folder.fold.picks))
        })
        let starts = folders.compactMap { $0.fold.firstStartedAt.flatMap(Self.date) }
        let ends = folders.compactMap { $0.fold.lastEventAt.flatMap(Self.date) }
        if let start = starts.min(), let end = ends.max() { wallSeconds = end.timeIntervalSince(start) } else { wallSeconds = 0 }
    }

    var counts: [JobState: Int] {
        var counts: [JobState: Int] = [:]
        for part in entries.parts {
            for offset in part.records.indices { counts[part.records.state(at: offset), default: 0] += 1 }
        }
        return counts
    }

    var secondsRendered: Int {
        var seconds = 0
        for part in entries.parts {
            for offset in part.records.indices where [.rendered, .completed, .downloadFailed].contains(part.records.state(at: offset)) {
                seconds += part.fold.planned[offset].duration
            }
        }
        return seconds
    }

    static func date(_ text: String) -> Date? {
        Timestamp.parse(text)
    }

    /// Seconds from the first submit to the render, when both are known.
    static func renderSeconds(_ record: JobRecord) -> Double? {
        if let start = record.firstSubmitMillis, let end = record.renderedMillis { return Double(end - start) / 1000 }
        guard let start = record.firstSubmitAt.flatMap(date), let end = record.renderedAt.flatMap(date) else { return nil }
        return end.timeIntervalSince(start)
    }

    // MARK: - JSON

    /// Writes the JSON document into `out`; with `flush` (which writes what it is handed and empties it), the
    /// entries are written on two threads (`JSONValue.writeObjectInLanes`) and handed on a block of 1,024 at a
    /// time (about half a MiB): a 100,000-job document is about 60 MB that need not be held at once. The bytes are
    /// the same either way; what is left in `out` at the end is the caller's to hand on.
    func writeJSON(leading: [(key: String, value: JSONValue)] = [], to out: inout [UInt8], flush: ((inout [UInt8]) -> Void)? = nil) {
        let counts = self.counts
        let finished = [JobState.failed, .expired, .cancelled, .unknownOutcome, .downloadFailed].reduce(0) { $0 + (counts[$1] ?? 0) }
        let head: [(key: String, value: JSONValue)] = leading + [
            ("run_dirs", .array(folders.map(JSONValue.string))),
            ("base_urls", .array(baseURLs.map(JSONValue.string))),
            ("generated_at", .string(Timestamp.now())),
            ("totals", .object([
                ("jobs", .int(entries.count)),
                ("seconds_rendered", .int(secondsRendered)),
                ("spent_usd", .number(PriceList.rounded(spent))),
                ("spent_latest_run_usd", .number(PriceList.rounded(spentLatestRun))),
                ("wall_seconds", .number((wallSeconds * 10).rounded() / 10)),
            ])),
            ("counts", .object(JobState.allCases.compactMap { state in counts[state].map { (state.rawValue, .int($0)) } })),
            ("request_counts", .object([
                ("total", .int(entries.count)),
                ("completed", .int(counts[.completed] ?? 0)),
                ("failed", .int(finished)),
                ("in_progress", .int(entries.count - (counts[.completed] ?? 0) - finished)),
            ])),
        ]
        let entries = self.entries
        guard let flush else {
            JSONValue.writeObject(head, thenArray: "jobs", count: entries.count, indent: 2, to: &out) { index, out in
                Self.writeEntry(entries[index], to: &out)
            }
            return
        }
        JSONValue.writeObjectInLanes(head, thenArray: "jobs", count: entries.count, indent: 2, to: &out, flush: flush) { index, out in
            Self.writeEntry(entries[index], to: &out)
        }
    }

    /// A job's entry in the document, written straight to bytes (the same text as `entryJSON`'s, at level 2): a
    /// tree of JSON values per job was most of the time a 100,000-job `summary.json` took.
    static func writeEntry(_ entry: Entry, to out: inout [UInt8]) {
        let record = entry.record
        var object = JSONObjectWriter(indent: 2, level: 2, to: &out)
        object.string("id", record.id, to: &out)
        object.string("run_dir", entry.folder, to: &out)
        object.string("key", record.key, to: &out)
        object.string("state", record.state.rawValue, to: &out)
        object.int("duration", entry.duration, to: &out)
        object.string("request_id", record.requestID, to: &out)
        object.int("attempts", record.attempts, to: &out)
        object.string("output", record.output, to: &out)
        object.string("file", record.file, to: &out)
        object.strings("files", present: record.fileList, to: &out)
        object.number("cost", record.cost, to: &out)
        object.number("render_seconds", renderSeconds(record).map { ($0 * 10).rounded() / 10 }, to: &out)
        if let code = record.errorCode {
            object.value("error", .object([("code", .string(code)), ("message", .string(record.errorMessage ?? ""))]), to: &out)
        } else {
            object.value("error", .null, to: &out)
        }
        object.bool("picked", entry.picked, to: &out)
        object.bool("in_cut", entry.inCut, to: &out)
        object.bool("approved", entry.review?.isApproved(record) ?? false, to: &out)
        object.value("retake", entry.review?.retakeJSON(record) ?? .null, to: &out)
        object.value("notes", entry.review?.notesJSON(record) ?? .array([]), to: &out)
        object.end(&out)
    }

    /// A job's entry in the document as a value: the reference form `writeEntry` is tested against.
    static func entryJSON(_ entry: Entry) -> JSONValue {
        let record = entry.record
        return .object([
            ("id", .string(record.id)),
            ("run_dir", .string(entry.folder)),
            ("key", .string(record.key)),
            ("state", .string(record.state.rawValue)),
            ("duration", .int(entry.duration)),
            ("request_id", record.requestID.map(JSONValue.string) ?? .null),
            ("attempts", .int(record.attempts)),
            ("output", record.output.map(JSONValue.string) ?? .null),
            ("file", record.file.map(JSONValue.string) ?? .null),
            ("files", .array(record.files.compactMap { $0 }.map(JSONValue.string))),
            ("cost", record.cost.map { .number($0) } ?? .null),
            ("render_seconds", renderSeconds(record).map { .number(($0 * 10).rounded() / 10) } ?? .null),
            ("error", record.errorCode.map { .object([("code", .string($0)), ("message", .string(record.errorMessage ?? ""))]) } ?? .null),
            ("picked", .bool(entry.picked)),
            ("in_cut", .bool(entry.inCut)),
            ("approved", .bool(entry.review?.isApproved(record) ?? false)),
            ("retake", entry.review?.retakeJSON(record) ?? .null),
            ("notes", entry.review?.notesJSON(record) ?? .array([])),
        ])
    }

    // MARK: - Terminal

    var table: String {
        let idWidth = max(3, entries.map(\.record.id.count).max() ?? 0)
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let space = String(repeating: " ", count: max(0, width - text.count))
            return right ? space + text : text + space
        }
        var lines = [pad("JOB", idWidth) + "  " + pad("STATE", 15) + pad("SECONDS", 8, right: true) + pad("TRIES", 6, right: true)
            + pad("COST", 10, right: true) + pad("RENDER", 8, right: true) + "  FILE"]
        for entry in entries {
            let record = entry.record
            lines.append(
                pad(record.id, idWidth) + "  " + pad(record.state.rawValue + (entry.picked ? " *" : ""), 15) + pad(String(entry.duration), 8, right: true)
                    + pad(String(record.attempts), 6, right: true) + pad(record.cost.map(PlanReport.usd) ?? "-", 10, right: true)
                    + pad(Self.renderSeconds(record).map { String(format: "%.0fs", $0) } ?? "-", 8, right: true) + "  " + (record.file ?? "-")
            )
        }
        lines.append("")
        let counts = self.counts
        if entries.contains(where: \.picked) { lines.append("* the take picked for its shot's cut (shotrunner pick)") }
        lines.append("\(entries.count) jobs: " + JobState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }.joined(separator: ", "))
        lines.append("\(secondsRendered) s rendered, \(PlanReport.usd(spent)) spent (\(PlanReport.usd(spentLatestRun)) in the latest run), \(String(format: "%.0f", wallSeconds)) s wall time")
        let troubled = entries.indices.filter { [.failed, .expired, .cancelled, .unknownOutcome, .downloadFailed].contains(entries.state(at: $0)) }
        if !troubled.isEmpty {
            lines.append("")
            for entry in troubled.map({ entries[$0] }) {
                lines.append("\(entry.record.id): \(entry.record.state.rawValue)" + (entry.record.errorMessage.map { ": \($0)" } ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - JUnit

    /// A test case per job: completed passes; failed, expired, cancelled and download_failed fail;
    /// unknown_outcome is an error; anything still under way is skipped.
    var junit: String {
        func escape(_ text: String) -> String { ContactSheet.escape(text) }
        let counts = self.counts
        let failures = [JobState.failed, .expired, .cancelled, .downloadFailed].reduce(0) { $0 + (counts[$1] ?? 0) }
        let errors = counts[.unknownOutcome] ?? 0
        let skipped = entries.count - failures - errors - (counts[.completed] ?? 0)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites tests=\"\(entries.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
        for (index, folder) in folders.enumerated() {
            let start = entries.parts[..<index].reduce(0) { $0 + $1.records.count }
            let mine = start..<(start + entries.parts[index].records.count)
            let name = escape(URL(fileURLWithPath: folder).lastPathComponent)
            xml += "  <testsuite name=\"\(name)\" tests=\"\(mine.count)\">\n"
            for entry in mine.lazy.map({ entries[$0] }) {
                let record = entry.record
                let time = Self.renderSeconds(record).map { String(format: "%.1f", $0) } ?? "0"
                xml += "    <testcase classname=\"shotrunner.\(name)\" name=\"\(escape(record.id))\" time=\"\(time)\""
                let message = escape(record.errorMessage ?? record.state.rawValue)
                switch record.state {
                case .completed:
                    xml += "/>\n"
                case .failed, .expired, .cancelled, .downloadFailed, .blocked:
                    xml += ">\n      <failure type=\"\(record.state.rawValue)\" message=\"\(message)\"/>\n    </testcase>\n"
                case .unknownOutcome:
                    xml += ">\n      <error type=\"unknown_outcome\" message=\"\(message)\"/>\n    </testcase>\n"
                default:
                    xml += ">\n      <skipped message=\"\(record.state.rawValue)\"/>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
