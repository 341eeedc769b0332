import Foundation
import JobManifest
import ResultsLedger
import Testing
import JSON

@Suite("Ledger file")
struct LedgerTests {
    private func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    private func event(_ index: Int) -> LedgerEvent {
        LedgerEvent(.submitIntent, job: "j\(index)", time: "2026-11-26T00:00:00.000Z", [("key", .string("k")), ("attempt", .int(1))])
    }

    @Test("a wall clock set back mid-run changes nothing: the ledger folds in file order, not by timestamp")
    func wallClockJumpsBack() async throws {
        let path = try folder()
        let ledger = try Ledger(folder: path)
        func line(_ kind: LedgerEvent.Kind, _ time: String, _ fields: [(key: String, value: JSONValue)]) -> LedgerEvent {
            LedgerEvent(kind, job: "j", time: time, [("key", .string("k"))] + fields)
        }
        try await ledger.append([
            line(.submitIntent, "2026-11-26T10:00:00.000Z", [("attempt", .int(1)), ("estimated_cost", .number(0.56))]),
            line(.submitted, "2026-11-26T10:00:01.000Z", [("request_id", .string("req_1"))]),
            // NTP steps the clock back two hours; then forward a day.
            line(.rendered, "2026-11-26T08:00:05.000Z", [("outputs", .array([.string("https://cdn.example.com/j.mp4")])), ("cost", .number(0.56))]),
            line(.downloaded, "2026-11-27T08:00:06.000Z", [("path", .string("j.mp4")), ("bytes", .int(10)), ("sha256", .string("00"))]),
        ])
        let record = LedgerFold(try Ledger.readEvents(folder: path)).record("j", key: "k")
        #expect(record.state == .completed)
        #expect(record.requestID == "req_1")
        #expect(record.attempts == 1)
        #expect(record.file == "j.mp4")
    }

    @Test("lines appended are read back, in order")
    func roundTrip() async throws {
        let path = try folder()
        let ledger = try Ledger(folder: path)
        for index in 0..<5 { try await ledger.append(event(index)) }
        let reopened = try Ledger(folder: path)
        #expect(reopened.initialFold.records.keys.sorted() == (0..<5).map { "j\($0)" })
        #expect(reopened.initialFold.record("j3", key: "k").attempts == 1)
        #expect(try Ledger.readEvents(folder: path).count == 5)
    }

    @Test("group commit: many lines handed in at once share fsyncs, and each caller returns only once durable")
    func groupCommit() async throws {
        let path = try folder()
        let ledger = try Ledger(folder: path)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try? await ledger.append(self.event(index)) }
            }
        }
        let lines = await ledger.linesWritten
        let flushes = await ledger.flushes
        #expect(lines == 200)
        #expect(flushes < 200)
        #expect(try Ledger.readEvents(folder: path).count == 200)
    }

    @Test("a torn last line is moved to ledger.jsonl.corrupt and cut off before anything is appended")
    func tornLine() async throws {
        let path = try folder()
        let ledger = try Ledger(folder: path)
        try await ledger.append(event(1))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/ledger.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":1,"t":"x","event":"submi"#.utf8))
        try handle.close()
        let reopened = try Ledger(folder: path)
        #expect(reopened.initialFold.records.keys.sorted() == ["j1"])
        #expect(reopened.repairs.count == 1)
        let corrupt = try String(contentsOfFile: path + "/ledger.jsonl.corrupt", encoding: .utf8)
        #expect(corrupt.contains("submi"))
        try await reopened.append(event(2))
        #expect(try Ledger.readEvents(folder: path).map(\.job) == ["j1", "j2"])
    }

    @Test("an unreadable line in the middle is an error naming it; --repair-ledger sets it aside")
    func corruptMiddle() async throws {
        let path = try folder()
        let lines = [event(1).line, "this is not json", event(2).line].joined(separator: "\n") + "\n"
        try lines.write(toFile: path + "/ledger.jsonl", atomically: true, encoding: .utf8)
        #expect(throws: LedgerError.corruptLine(number: 2, text: "this is not json")) { try Ledger(folder: path) }
        let repaired = try Ledger(folder: path, repair: true)
        #expect(repaired.initialFold.records.keys.sorted() == ["j1", "j2"])
        try await repaired.append(event(3))
        #expect(try Ledger.readEvents(folder: path).map(\.job) == ["j1", "j2", "j3"])
        #expect(try String(contentsOfFile: path + "/ledger.jsonl.corrupt", encoding: .utf8) == "this is not json\n")
    }

    @Test("a folder is locked by one holder at a time, naming its pid")
    func lock() throws {
        let path = try folder()
        let first = try RunFolder(path: path)
        #expect(throws: LedgerError.locked(pid: Int(getpid()))) { try RunFolder(path: path) }
        withExtendedLifetime(first) {}
    }

    @Test("events read back with their fields")
    func fields() throws {
        let original = LedgerEvent(.rendered, job: "scene/a~2", time: "t", [("key", .string("k")), ("outputs", .array([.string("https://o/\"q\".mp4")])), ("cost", .number(0.56))])
        let path = try folder()
        try (original.line + "\n").write(toFile: path + "/ledger.jsonl", atomically: true, encoding: .utf8)
        let read = try #require(try Ledger.readEvents(folder: path).first)
        #expect(read == original)
        #expect(read.number("cost") == 0.56)
    }

    @Test("a ledger folds the same read in place (status, resume) as read into events: every kind of line")
    func foldInPlaceMatchesEvents() async throws {
        let path = try folder()
        let ledger = try Ledger(folder: path)
        func line(_ kind: LedgerEvent.Kind, _ job: String, _ fields: [(key: String, value: JSONValue)]) -> LedgerEvent {
            LedgerEvent(kind, job: job, time: "2026-11-26T10:00:0\(job.count).000Z", [("key", .string("v1:" + job))] + fields)
        }
        try await ledger.append([
            LedgerEvent(.runStarted, time: "2026-11-26T09:59:59.000Z", [
                ("base_url", .string("http://127.0.0.1:1")), ("manifest", .string("/m \"q\".yaml")),
                ("jobs", .array([
                    .object([("id", .string("a")), ("key", .string("v1:a")), ("duration", .int(5)), ("sound", .bool(true)), ("estimated_cost", .number(0.56))]),
                    .object([("id", .string("bé")), ("key", .string("v1:bé")), ("duration", .int(10)), ("sound", .bool(false)), ("estimated_cost", .int(1))]),
                ])),
            ]),
            line(.submitIntent, "a", [("attempt", .int(1)), ("estimated_cost", .number(0.56))]),
            line(.submitted, "a", [("request_id", .string("req-a"))]),
            line(.status, "a", [("status", .string("in_progress"))]),
            line(.rendered, "a", [("outputs", .array([.string("https://cdn.example.com/a.mp4?sig=x\u{1}")])), ("cost", .number(0.5))]),
            line(.downloadError, "a", [("code", .string("network")), ("message", .string("reset\nby peer")), ("attempt", .int(1)), ("final", .bool(true))]),
            line(.submitIntent, "bé", [("attempt", .int(1)), ("estimated_cost", .int(1))]),
            line(.submitError, "bé", [("code", .string("http_500")), ("message", .string("boom")), ("class", .string("ambiguous"))]),
            line(.unknownOutcome, "bé", [("code", .string("no_answer_recorded"))]),
            line(.adopted, "bé", [("request_id", .string("req-b"))]),
            line(.failed, "bé", [("code", .string("render_failed")), ("message", .string("said no"))]),
            LedgerEvent(.runFinished, time: "2026-11-26T10:01:00.000Z", [("counts", .object([("failed", .int(1))])), ("exit_code", .int(4))]),
        ])
        let inPlace = try Ledger.fold(folder: path)
        let viaEvents = LedgerFold(try Ledger.readEvents(folder: path))
        #expect(inPlace.planned == viaEvents.planned)
        #expect(inPlace.planned.map(\.id) == ["a", "bé"])
        #expect(inPlace.planned.map(\.estimatedCost) == [0.56, 1])
        #expect(inPlace.planned.map(\.sound) == [true, false])
        #expect(inPlace.records.mapValues { $0.mapValues { "\($0)" } } == viaEvents.records.mapValues { $0.mapValues { "\($0)" } })
        let a = inPlace.record("a", key: "v1:a")
        #expect(a.state == .downloadFailed && a.outputs == ["https://cdn.example.com/a.mp4?sig=x\u{1}"] && a.cost == 0.5)
        #expect(a.errorMessage == "reset\nby peer")
        let b = inPlace.record("bé", key: "v1:bé")
        #expect(b.state == .failed && b.requestID == "req-b" && b.errorCode == "render_failed")
        #expect(inPlace.manifestPath == "/m \"q\".yaml" && inPlace.baseURL == "http://127.0.0.1:1")
        #expect(inPlace.firstStartedAt == viaEvents.firstStartedAt && inPlace.lastEventAt == "2026-11-26T10:01:00.000Z")
        #expect(try Ledger(folder: path).initialFold.records.count == 2)
    }

    @Test("run_started's job list, written straight to bytes, is the line the tree of JSON values gave, and folds alike read back")
    func runStartedListWrittenDirectly() async throws {
        let jobs = [
            LedgerEvent.ListedJob(id: "a", index: 0, key: "v1:a", duration: 5, sound: true, estimatedCost: 0.56),
            LedgerEvent.ListedJob(id: "b\u{e9}\"q", index: 3, key: "after:a", duration: 10, sound: false, estimatedCost: 1, model: "m/x", sources: ["a", "c"]),
            LedgerEvent.ListedJob(id: "c", index: 7, key: "v1:c", duration: 0, sound: false, estimatedCost: 1.0e-7),
            // A cost nobody knows is written as null, not 0.
            LedgerEvent.ListedJob(id: "d", index: 8, key: "v1:d", duration: 0, sound: false, estimatedCost: nil, model: "m/unpriced"),
        ]
        let inputs = LedgerEvent.RunInputs(only: "a*", shard: nil, media: [.init(path: "/f.png", size: 3, modified: 9)])
        let event = LedgerEvent.runStarted(
            baseURL: "http://h", manifest: "/m.yaml", manifestSHA256: "ab", jobs: jobs, models: [("m/x", "d1")], inputs: inputs, time: "2026-12-02T00:00:00.000Z"
        )
        // The form every earlier version wrote: one tree for the whole line.
        let tree: [JSONValue] = jobs.map { job in
            var members: [(key: String, value: JSONValue)] = [
                ("id", .string(job.id)), ("index", .int(job.index)), ("key", .string(job.key)), ("duration", .int(job.duration)),
                ("sound", .bool(job.sound)), ("estimated_cost", job.estimatedCost.map(JSONValue.number) ?? .null),
            ]
            if let model = job.model { members.append(("model", .string(model))) }
            if !job.sources.isEmpty { members.append(("sources", .array(job.sources.map(JSONValue.string)))) }
            return .object(members)
        }
        let expected = JSONValue.object(
            [
                ("v", .int(1)), ("t", .string(event.time)), ("event", .string("run_started")), ("job", .string("")), ("base_url", .string("http://h")),
                ("manifest", .string("/m.yaml")), ("manifest_sha256", .string("ab")), ("models", .object([("m/x", .string("d1"))])),
                ("filter", .object([("only", .string("a*")), ("shard", .null)])),
                ("media", .array([.object([("path", .string("/f.png")), ("size", .int(3)), ("modified", .int(9))])])), ("jobs", .array(tree)),
            ]
        ).compactBytes
        #expect(event.lineBytes == expected)
        let path = try folder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = try Ledger(folder: path)
        try await ledger.append(event)
        let live = await ledger.fold
        let read = try Ledger.fold(folder: path)
        #expect(live.planned == read.planned)
        #expect(read.planned.map(\.id) == ["a", "b\u{e9}\"q", "c", "d"])
        #expect(String(decoding: event.lineBytes, as: UTF8.self).contains(#""id":"d","index":8,"key":"v1:d","duration":0,"sound":false,"estimated_cost":null"#))
        #expect(read.planned[1].sources == ["a", "c"] && read.planned[1].model == "m/x" && read.planned[2].index == 7)
        #expect(live.latestInputs == read.latestInputs && live.modelDigests == read.modelDigests)
    }
}
