import Foundation
import JSON
import ResultsLedger
import Testing
@testable import RunnerCLI

/// `status --json` writes each job straight to bytes: the text must be the one the `JSONValue` of the same job
/// gives, for every kind of record.
@Suite("status --json, written directly")
struct StatusJSONTests {
    @Test("each job's bytes equal the JSON value's, for records of every state and shape")
    func sameBytes() throws {
        var records: [JobRecord] = []
        for (index, state) in JobState.allCases.enumerated() {
            var record = JobRecord(id: "s/job\(index)~2", key: index % 2 == 0 ? "v1:abc" : "after:a,b")
            record.state = state
            if index % 3 == 0 { record.requestID = "req_\(index)" }
            record.attempts = index
            if index % 2 == 1 { record.outputs = ["https://x/\(index).mp4", "https://x/b.mp4"] }
            record.files = index % 4 == 0 ? ["a-1.png", nil, "a \"3\".png"] : []
            record.waitingOn = ["a", "b\\c"]
            record.blockedBy = JobRecord.BlockedBy(job: "src", state: "failed")
            record.cost = [nil, 0.56, 1e-7, 12, 0.1 + 0.2][index % 5]
            if index % 2 == 0 { record.errorCode = "render_failed"; record.errorMessage = "line\nbreak \u{1}" }
            records.append(record)
        }
        let summary = RunSummary(fold: LedgerFold(), jobs: [], folder: "/f")
        // The report's (`summary.json`, `report --json`) entries likewise.
        for (index, record) in records.enumerated() {
            var record = record
            if index % 2 == 0 { record.firstSubmitAt = "2026-12-02T10:00:00.000Z"; record.renderedAt = "2026-12-02T10:01:02.345Z" }
            let entry = BatchReport.Entry(folder: "/run \"f\"", record: record, duration: index, picked: index % 3 == 0, inCut: index % 2 == 1)
            var direct: [UInt8] = []
            BatchReport.writeEntry(entry, to: &direct)
            var tree: [UInt8] = []
            BatchReport.entryJSON(entry).write(to: &tree, indent: 2, level: 2)
            #expect(String(decoding: direct, as: UTF8.self) == String(decoding: tree, as: UTF8.self), "\(record.state)")
            if index % 2 == 0 { #expect(String(decoding: direct, as: UTF8.self).contains("\"render_seconds\": 62.3")) }
        }
        for record in records {
            for indent in [2, nil] as [Int?] {
                var direct: [UInt8] = []
                summary.writeJob(record, indent: indent, to: &direct)
                var tree: [UInt8] = []
                summary.jobJSON(record).write(to: &tree, indent: indent, level: 2)
                #expect(String(decoding: direct, as: UTF8.self) == String(decoding: tree, as: UTF8.self), "\(record.state)")
            }
        }
    }
}
