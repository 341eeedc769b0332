import Foundation
import ResultsLedger
import RunnerTestSupport
import Testing

/// The store protocol's own promises, held by the folder's ledger and the in-memory one alike.
@Suite("Ledger stores")
struct LedgerStoreTests {
    static func store(_ kind: StoreKind) throws -> any LedgerStore {
        guard kind == .folder else { return MemoryLedger() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try Ledger(folder: folder)
    }

    static func intent(_ job: String, _ estimate: Double) -> LedgerEvent {
        .submitIntent(job: job, key: "v1:\(job)", attempt: 1, estimate: estimate, time: "2026-12-07T00:00:00.000Z")
    }

    @Test("admission is one step: of many racing for a cap that fits two, exactly two are admitted, and their intents are on record", arguments: StoreKind.allCases)
    func admissionIsAtomic(kind: StoreKind) async throws {
        let store = try Self.store(kind)
        let gate = SpendGate(cap: 1.0)
        let answers = await withTaskGroup(of: Admission.self) { group in
            for index in 0..<8 { group.addTask { await store.admit(Self.intent("j\(index)", 0.45), estimate: 0.45, gate: gate) } }
            return await group.reduce(into: [Admission]()) { $0.append($1) }
        }
        #expect(answers.filter { $0 == .admitted }.count == 2)
        #expect(answers.filter { $0 == .refused(.capReached(reason: "--max-cost 1.0 reached")) }.count == 6)
        let fold = await store.fold
        #expect(fold.allRecords.filter { $0.state == .submitting }.count == 2)
        #expect(abs(store.spent.folder - 0.9) < 1e-9)
    }

    @Test("what jobs waiting on others need is kept aside; a folder claims every job and hears of no other writer", arguments: StoreKind.allCases)
    func keptAsideAndClaims(kind: StoreKind) async throws {
        let store = try Self.store(kind)
        let gate = SpendGate(cap: 1.0, reservedForWaiting: 0.5, waitingCount: 1)
        #expect(await store.admit(Self.intent("a", 0.4), estimate: 0.4, gate: gate) == .admitted)
        #expect(await store.admit(Self.intent("b", 0.4), estimate: 0.4, gate: gate) == .refused(.keptForWaiting(reason: "--max-cost 1.0: the rest is kept for 1 jobs waiting on others")))
        #expect(await store.claim(["a", "b", "c"], limit: 2) == ["a", "b"])
        #expect(try await store.changes().isEmpty)
    }
}
