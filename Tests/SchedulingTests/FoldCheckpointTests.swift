import Foundation
import JSON
import ResultsLedger
import Testing

/// The fold checkpoint beside a ledger: a snapshot and a full fold agree on every kind of ledger (random lines of
/// every event, appended after the snapshot, truncated, edited), and a stale or foreign snapshot is never trusted.
@Suite("Fold checkpoint")
struct FoldCheckpointTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-checkpoint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Random lines of every kind over a few jobs and keys, as a run (or an earlier version) could write them.
    private func randomEvents(_ count: Int, seed: UInt64) -> [LedgerEvent] {
        var random = Seeded(seed)
        let jobs = ["a", "b", "s/c", "d~1", "d~2"]
        let keys = ["v1:one", "v1:two", "after:a"]
        let states = ["failed", "unknown_outcome", "blocked", "expired"]
        var events: [LedgerEvent] = []
        for index in 0..<count {
            let job = jobs[random.below(jobs.count)]
            let key = keys[random.below(keys.count)]
            let t = "2026-12-02T10:00:\(String(format: "%02d", index % 60)).000Z"
            let event: LedgerEvent = switch random.below(21) {
            case 0:
                .runStarted(
                    baseURL: "http://127.0.0.1:\(random.below(3))", manifest: "/m.yaml", manifestSHA256: "00",
                    jobs: jobs.enumerated().map { .init(id: $1, index: $0, key: keys[random.below(keys.count)], duration: 5, sound: random.below(2) == 0, estimatedCost: 0.56, model: random.below(3) == 0 ? "acme/x" : nil, sources: random.below(2) == 0 ? ["a"] : []) },
                    models: [("acme/x", "digest\(random.below(2))")], time: t
                )
            case 1: .submitIntent(job: job, key: key, attempt: 1 + random.below(3), estimate: Double(random.below(100)) / 10, time: t)
            case 2: .submitted(job: job, key: key, requestID: "req_\(random.below(50))", time: t)
            case 3: .submitError(job: job, key: key, code: "500", message: "m", httpStatus: 500, errorClass: ["ambiguous", "not_sent", "throttled"][random.below(3)], mayHaveStarted: random.below(2) == 0, time: t)
            case 4: .notSent(job: job, key: key, attempt: 1, reason: "stop", time: t)
            case 5: .unknownOutcome(job: job, key: key, code: "no_answer", message: "m", time: t)
            case 6: .status(job: job, key: key, status: ["in_queue", "in_progress"][random.below(2)], time: t)
            case 7: .rendered(job: job, key: key, outputs: ["https://x/\(random.below(9)).mp4"], cost: random.below(2) == 0 ? 0.5 : nil, time: t)
            case 8:
                .downloaded(job: job, key: key, path: "\(job).mp4", bytes: random.below(1000), sha256: "\(random.below(9))", output: 1 + random.below(2), outputs: 1 + random.below(2), time: t)
            case 9: .downloadError(job: job, key: key, code: "500", message: "m", final: random.below(2) == 0, time: t)
            case 10: .failed(job: job, key: key, code: "render_failed", message: "m", time: t)
            case 11: .expired(job: job, key: key, message: "gone", time: t)
            case 12: .cancelled(job: job, key: key, time: t)
            case 13: .adopted(job: job, key: key, requestID: "req_adopted", time: t)
            case 14: .picked(job: job, shot: "d", time: t)
            case 15: .unpicked(job: job, shot: "d", time: t)
            case 16: .price(model: "acme/x", basePriceUSD: 0.1, unit: "second", soundFactor: 1, source: "api", time: t)
            case 17: .waiting(job: job, key: "after:a", sources: ["a"], time: t)
            case 18: .blocked(job: job, key: "after:a", source: "a", sourceState: states[random.below(states.count)], reason: "r", time: t)
            case 19: .inputsResolved(job: job, key: key, sources: [.init(job: "a", output: 1, frame: "last", sha256: "ab", path: nil)], time: t)
            default: .runFinished(counts: [.completed: random.below(5)], exitCode: random.below(2), time: t)
            }
            events.append(event)
        }
        return events
    }

    private func append(_ events: [LedgerEvent], to folder: String, checkpointAfter: Int? = nil) async throws {
        let ledger = try Ledger(folder: folder)
        for (index, event) in events.enumerated() {
            try await ledger.append(event)
            if index + 1 == checkpointAfter { await ledger.writeCheckpoint() }
        }
    }

    @Test("a snapshot plus the lines after it folds exactly as the whole ledger does, on random ledgers of every event", arguments: 0..<12)
    func agreesWithFullFold(seed: Int) async throws {
        let folder = try folder()
        let events = randomEvents(220, seed: UInt64(seed) + 1)
        let cut = 40 + seed * 13
        try await append(events, to: folder, checkpointAfter: cut)
        #expect(FileManager.default.fileExists(atPath: folder + "/ledger.checkpoint"))
        let full = try Ledger.fold(folder: folder, useCheckpoint: false)
        #expect(full == LedgerFold(events), "the fold of the lines read back is the fold of the events written")
        #expect(try Ledger.fold(folder: folder) == full)
        let reopened = try Ledger(folder: folder)
        #expect(reopened.openedFromCheckpoint)
        #expect(reopened.initialFold == full)
        #expect(reopened.spent.folder == full.spent)
    }

    @Test("a checkpoint at the very end, and one from before appends made without one, both agree")
    func atTheEndAndBehind() async throws {
        let folder = try folder()
        let events = randomEvents(150, seed: 99)
        try await append(Array(events.prefix(100)), to: folder, checkpointAfter: 100)
        #expect(try Ledger(folder: folder).openedFromCheckpoint)
        // Another process appends 50 lines and writes no checkpoint: the old one still stands for its part.
        try await append(Array(events.suffix(50)), to: folder)
        let full = try Ledger.fold(folder: folder, useCheckpoint: false)
        #expect(full == LedgerFold(events))
        let reopened = try Ledger(folder: folder)
        #expect(reopened.openedFromCheckpoint && reopened.initialFold == full)
    }

    @Test("a ledger truncated below the checkpoint, or with a line it covers edited, is folded afresh; the snapshot is never trusted")
    func staleSnapshotIgnored() async throws {
        for damage in ["truncate", "edit", "replace"] {
            let folder = try folder()
            let events = randomEvents(120, seed: 7)
            try await append(events, to: folder, checkpointAfter: 100)
            let path = folder + "/ledger.jsonl"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            switch damage {
            case "truncate":
                // Cut back to 60 whole lines.
                let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                bytes = Data(lines.prefix(60).joined(separator: [0x0A])) + Data([0x0A])
            case "edit":
                // The same length, another value: "req_1" becomes "req_2" in the first submitted line.
                var text = String(decoding: bytes, as: UTF8.self)
                let range = try #require(text.range(of: #""request_id":"req_"#))
                let digit = text.index(range.upperBound, offsetBy: 0)
                let old = text[digit]
                text.replaceSubrange(digit...digit, with: old == "1" ? "2" : "1")
                bytes = Data(text.utf8)
            default:
                // Another ledger of the same length in its place.
                let other = try self.folder()
                try await append(randomEvents(120, seed: 8), to: other)
                bytes = try Data(contentsOf: URL(fileURLWithPath: other + "/ledger.jsonl"))
            }
            try bytes.write(to: URL(fileURLWithPath: path))
            let full = try Ledger.fold(folder: folder, useCheckpoint: false)
            #expect(try Ledger.fold(folder: folder) == full, "\(damage)")
            let reopened = try Ledger(folder: folder)
            #expect(!reopened.openedFromCheckpoint, "\(damage)")
            #expect(reopened.initialFold == full, "\(damage)")
        }
    }

    @Test("a foreign or damaged checkpoint file is ignored; deleting it changes nothing")
    func foreignSnapshotIgnored() async throws {
        let folder = try folder()
        let events = randomEvents(80, seed: 3)
        try await append(events, to: folder, checkpointAfter: 80)
        let checkpoint = folder + "/ledger.checkpoint"
        let good = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let full = try Ledger.fold(folder: folder, useCheckpoint: false)
        for (name, bytes) in [
            ("garbage", Data("not a checkpoint".utf8)), ("cut short", good.prefix(good.count / 2)),
            ("another version", Data("shotrunner ledger checkpoint v0\n".utf8) + good.dropFirst(32)),
            ("its payload of another folder's", good.prefix(40) + Data(count: good.count - 40)),
            ("one byte flipped", { var copy = good; copy[copy.count - 3] ^= 0xFF; return copy }()),
        ] {
            try bytes.write(to: URL(fileURLWithPath: checkpoint))
            #expect(try Ledger.fold(folder: folder) == full, "\(name)")
            #expect(try Ledger(folder: folder).initialFold == full, "\(name)")
        }
        try FileManager.default.removeItem(atPath: checkpoint)
        #expect(try Ledger.fold(folder: folder) == full)
        #expect(try !Ledger(folder: folder).openedFromCheckpoint)
    }
}

/// SplitMix64, for random ledgers that a seed repeats.
struct Seeded {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func below(_ n: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(n))
    }
}
