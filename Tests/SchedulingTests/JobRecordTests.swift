import ResultsLedger
import Testing

@Suite("Job records")
struct JobRecordTests {
    @Test("a time in the ledger's own form is kept as a number and reads back as the same text; any other text as it was")
    func timesAsNumbers() {
        var record = JobRecord(id: "a", key: "k")
        for text in ["2026-12-02T23:59:59.999Z", "1970-01-01T00:00:00.000Z", "2024-02-29T12:00:00.001Z", "1969-12-31T23:59:59.999Z"] {
            record.firstSubmitAt = text
            #expect(record.firstSubmitAt == text)
            #expect(record.firstSubmitMillis != nil, "\(text) is the ledger's own form")
            #expect(LedgerTime.text(millis: record.firstSubmitMillis ?? 0) == text)
        }
        #expect(LedgerTime.millis(canonical: "1970-01-01T00:00:01.250Z") == 1_250)
        // Not the ledger's form (another zone, no milliseconds, a day that does not exist): kept as text.
        for text in ["2026-12-02T23:59:59.999+01:00", "2026-12-02T23:59:59Z", "2026-02-30T00:00:00.000Z", "2026-12-02 23:59:59.999Z"] {
            record.renderedAt = text
            #expect(record.renderedAt == text)
            #expect(record.renderedMillis == nil)
        }
        record.renderedAt = nil
        #expect(record.renderedAt == nil)
    }

    @Test("the rarely filled fields are shared between copies and changed in one copy only")
    func rareFieldsCopyOnWrite() {
        var first = JobRecord(id: "a", key: "k")
        first.errorCode = "http_500"
        first.errorMessage = "boom"
        var second = first
        second.errorMessage = "other"
        second.waitingOn = ["x"]
        second.blockedBy = .init(job: "x", state: "failed")
        #expect(first.errorMessage == "boom" && first.waitingOn.isEmpty && first.blockedBy == nil)
        #expect(second.errorCode == "http_500" && second.errorMessage == "other" && second.waitingOn == ["x"])
        #expect(first != second)
        second.errorMessage = "boom"
        second.waitingOn = []
        second.blockedBy = nil
        #expect(first == second, "equal by value, whichever box holds the fields")
        first.errorCode = nil
        first.errorMessage = nil
        #expect(first == JobRecord(id: "a", key: "k"))
    }
}
