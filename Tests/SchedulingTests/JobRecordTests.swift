@testable import ResultsLedger
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

    @Test("a digest of 64 lowercase hex digits is kept as bytes and reads back the same; any other text as it was")
    func digestAsBytes() {
        var record = JobRecord(id: "a", key: "k")
        for text in [String(repeating: "0", count: 64), String(repeating: "f", count: 64), "0123456789abcdef" + String(repeating: "9a", count: 24)] {
            record.sha256 = text
            #expect(record.sha256 == text)
            #expect(record == { var plain = JobRecord(id: "a", key: "k"); plain.sha256 = text; return plain }())
        }
        for text in [String(repeating: "A", count: 64), String(repeating: "0", count: 63), String(repeating: "0", count: 65), "", "sha256:" + String(repeating: "0", count: 64)] {
            record.sha256 = text
            #expect(record.sha256 == text)
        }
        record.sha256 = nil
        #expect(record.sha256 == nil)
        #expect(record == JobRecord(id: "a", key: "k"), "no text left behind in the box")
    }

    @Test("outputs and files: one kept in the record, several through the box; the file list reads the same")
    func outputsAndFiles() {
        var record = JobRecord(id: "a", key: "k")
        #expect(record.outputs.isEmpty && record.files.isEmpty && !record.hasEveryFile && record.output == nil && record.file == nil)
        record.outputs = ["u1"]
        record.files = [nil]
        #expect(record.outputs == ["u1"] && record.output == "u1" && record.files == [nil] && !record.hasEveryFile)
        record.files[0] = "a.mp4"
        #expect(record.files == ["a.mp4"] && record.file == "a.mp4" && record.hasEveryFile && Array(record.fileList) == record.files)
        record.outputs = ["u1", "u2", "u3"]
        record.files = ["a-1.png", nil, "a-3.png"]
        #expect(record.outputs == ["u1", "u2", "u3"] && record.files == ["a-1.png", nil, "a-3.png"] && !record.hasEveryFile)
        #expect(Array(record.fileList) == record.files && record.fileList.count == 3)
        record.files[1] = "a-2.png"
        #expect(record.hasEveryFile && record.file == "a-1.png")
        record.outputs = ["u9"]
        record.files = ["b.mp4"]
        #expect(record.outputs == ["u9"] && record.files == ["b.mp4"])
        var single = JobRecord(id: "a", key: "k")
        single.outputs = ["u9"]
        single.files = ["b.mp4"]
        #expect(record == single, "back to one output: the same record as one made so")
    }

    @Test("the checkpoint's hash of the ledger's bytes is the same however the bytes are split, and tells any change")
    func hashIndependentOfChunks() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 31, 32, 33, 100, 1_000, 4_099] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            func hash(_ cuts: [Int]) -> UInt64 {
                var hasher = LedgerHasher()
                var start = 0
                bytes.withUnsafeBytes { raw in
                    for cut in cuts.sorted() + [size] where cut >= start {
                        hasher.update(UnsafeRawBufferPointer(rebasing: raw[start..<cut]))
                        start = cut
                    }
                }
                return hasher.finish()
            }
            let whole = hash([])
            for _ in 0..<20 {
                let cuts = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...size, using: &generator) }
                #expect(hash(cuts) == whole, "size \(size), cuts \(cuts)")
            }
            if size > 0 {
                var changed = bytes
                changed[size / 2] ^= 1
                var hasher = LedgerHasher()
                changed.withUnsafeBytes { hasher.update($0) }
                #expect(hasher.finish() != whole, "one bit flipped at \(size / 2) of \(size)")
            }
            var longer = LedgerHasher()
            (bytes + [0]).withUnsafeBytes { longer.update($0) }
            #expect(longer.finish() != whole, "a zero byte appended to \(size)")
        }
    }
}
