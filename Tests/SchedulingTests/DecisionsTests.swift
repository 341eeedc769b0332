import Foundation
import ResultsLedger
import Testing

/// Decisions in the one schema: their lines, their fold, `decisions.jsonl` with several writers, approval holds.
@Suite("decisions")
struct DecisionsTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-decisions-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("each decision's line, written and read back")
    func lines() throws {
        let events: [LedgerEvent] = [
            .approved(job: "kf/a", key: "v1:aa", by: "ana@host", time: "2026-12-07T10:00:00.000Z"),
            .unapproved(job: "kf/a", by: "ana@host", time: "2026-12-07T10:00:01.000Z"),
            .retakeRequested(shot: "clips/b", take: 2, note: "warmer \"light\"", by: "bo@host", time: "2026-12-07T10:00:02.000Z"),
            .retakeWithdrawn(shot: "clips/b", take: 2, by: "bo@host", time: "2026-12-07T10:00:03.000Z"),
            .note(job: "clips/b", text: "<b>too dark</b>", by: "bo@host", time: "2026-12-07T10:00:04.000Z"),
            .picked(job: "clips/b~2", shot: "clips/b", by: "bo@host", time: "2026-12-07T10:00:05.000Z"),
        ]
        #expect(events[0].line == #"{"v":1,"t":"2026-12-07T10:00:00.000Z","event":"approved","job":"kf/a","key":"v1:aa","by":"ana@host"}"#)
        #expect(events[2].line == #"{"v":1,"t":"2026-12-07T10:00:02.000Z","event":"retake_requested","job":"clips/b","take":2,"note":"warmer \"light\"","by":"bo@host"}"#)
        let path = try folder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DecisionLog.append(events, folder: path)
        #expect(try DecisionLog.read(folder: path).events == events)
    }

    @Test("the fold: an approval under a key, a retake's note replaced, a withdrawn one gone, notes kept in order")
    func fold() {
        var fold = LedgerFold()
        let t = "2026-12-07T10:00:00.000Z"
        fold.apply(.approved(job: "kf/a", key: "v1:aa", by: "ana", time: t))
        #expect(fold.isApproved("kf/a", key: "v1:aa") && !fold.isApproved("kf/a", key: "v1:bb"))
        fold.apply(.unapproved(job: "kf/a", by: "ana", time: t))
        #expect(!fold.isApproved("kf/a", key: "v1:aa"))
        fold.apply(.retakeRequested(shot: "s", take: 2, note: "one", by: "bo", time: t))
        fold.apply(.retakeRequested(shot: "s", take: 2, note: "two", by: "bo", time: t))
        #expect(fold.decisions.retakes["s"]?.map(\.note) == ["two"])
        #expect(fold.pendingRetake(shot: "s")?.take == 2)
        fold.apply(.retakeRequested(shot: "s", take: 3, note: "three", by: "bo", time: t))
        fold.apply(.retakeWithdrawn(shot: "s", take: 3, by: "bo", time: t))
        #expect(fold.decisions.addedTakes == ["s": [2]])
        fold.apply(.note(job: "s", text: "first", by: "bo", time: t))
        fold.apply(.note(job: "s", text: "second", by: "ana", time: t))
        #expect(fold.decisions.notes["s"]?.map(\.text) == ["first", "second"])
        // A take listed by a run is no longer pending.
        fold.apply(.runStarted(baseURL: "b", manifest: "m", manifestSHA256: "x", jobs: [
            .init(id: "s", index: 0, key: "v1:s", duration: 5, sound: false, estimatedCost: 1),
            .init(id: "s~2", index: 0, key: "v1:s2", duration: 5, sound: false, estimatedCost: 1),
        ], time: t))
        #expect(fold.pendingRetake(shot: "s") == nil)
    }

    @Test("a dependent of an unapproved gate awaits approval, and so does the chain behind it; approving frees it")
    func awaiting() {
        var fold = LedgerFold()
        let t = "2026-12-07T10:00:00.000Z"
        fold.apply(.runStarted(baseURL: "b", manifest: "m", manifestSHA256: "x", jobs: [
            .init(id: "kf", index: 0, key: "v1:kf", duration: 0, sound: false, estimatedCost: 0.04, approve: true),
            .init(id: "clip", index: 1, key: "after:kf", duration: 5, sound: false, estimatedCost: 0.56, sources: ["kf"]),
            .init(id: "next", index: 2, key: "after:clip", duration: 5, sound: false, estimatedCost: 0.56, sources: ["clip"]),
            .init(id: "free", index: 3, key: "v1:free", duration: 5, sound: false, estimatedCost: 0.56),
        ], time: t))
        #expect(fold.awaitingApproval().isEmpty, "the keyframe has not rendered yet")
        fold.apply(.submitIntent(job: "kf", key: "v1:kf", attempt: 1, estimate: 0.04, time: t))
        fold.apply(.submitted(job: "kf", key: "v1:kf", requestID: "r1", time: t))
        fold.apply(.rendered(job: "kf", key: "v1:kf", outputs: ["https://o/kf.png"], cost: 0.04, time: t))
        fold.apply(.downloaded(job: "kf", key: "v1:kf", path: "kf.png", bytes: 10, sha256: String(repeating: "a", count: 64), time: t))
        fold.apply(.waiting(job: "clip", key: "after:kf", sources: ["kf"], time: t))
        #expect(fold.awaitingApproval() == ["clip": ["kf"], "next": ["clip"]])
        let records = FoldRecords(fold: fold, jobs: fold.planned.map { ($0.id, $0.key) })
        #expect(records.indices.map { records.state(at: $0) } == [.completed, .awaitingApproval, .awaitingApproval, .pending])
        #expect(records[1].waitingOn == ["kf"])
        fold.apply(.approved(job: "kf", key: "v1:other", by: "ana", time: t))
        #expect(fold.awaitingApproval().count == 2, "an approval of another key does not count")
        fold.apply(.approved(job: "kf", key: "v1:kf", by: "ana", time: t))
        #expect(fold.awaitingApproval().isEmpty)
    }

    @Test("several writers at once: every line whole, none lost")
    func concurrentWriters() async throws {
        let path = try folder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<50 {
                        try? DecisionLog.append([.note(job: "j\(writer)", text: "note \(index) " + String(repeating: "x", count: 200), by: "w\(writer)", time: "t")], folder: path)
                    }
                }
            }
        }
        let read = try DecisionLog.read(folder: path)
        #expect(read.events.count == 200)
        var fold = LedgerFold()
        for event in read.events { fold.apply(event) }
        #expect((0..<4).allSatisfy { fold.decisions.notes["j\($0)"]?.count == 50 })
        // A line being written is not read yet; the next read picks up from where the last whole line ended.
        let handle = try #require(FileHandle(forWritingAtPath: DecisionLog.path(folder: path)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"v":1,"t":"t","event":"note","job":"late","te"#.utf8))
        #expect(try DecisionLog.read(folder: path, from: read.end).events.isEmpty)
        try handle.write(contentsOf: Data(#"xt":"done","by":"w"}"#.utf8 + [0x0A]))
        try handle.close()
        #expect(try DecisionLog.read(folder: path, from: read.end).events.map(\.job) == ["late"])
    }

    @Test("a writer that died mid-line leaves a fragment: never read as a decision, and the next line stands on its own")
    func tornFragment() throws {
        let path = try folder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DecisionLog.append([.note(job: "a", text: "first", by: "w", time: "t")], folder: path)
        let handle = try #require(FileHandle(forWritingAtPath: DecisionLog.path(folder: path)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"v":1,"t":"t","event":"approved","job":"kf","ke"#.utf8))
        try handle.close()
        try DecisionLog.append([.note(job: "b", text: "second", by: "w", time: "t")], folder: path)
        #expect(try DecisionLog.read(folder: path).events.map(\.job) == ["a", "b"])
        var fold = LedgerFold()
        try fold.applyDecisions(folder: path)
        #expect(fold.decisions.approvals.isEmpty)
    }
}
