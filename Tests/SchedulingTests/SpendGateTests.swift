import ResultsLedger
@testable import Scheduling
import Testing

/// The spend cap and the outputs' names as pure decisions: what the scheduler executes.
@Suite("Spend gate and output names")
struct SpendGateTests {
    @Test("no cap admits anything; a cap refuses what would pass it, and keeps aside what waiting jobs need")
    func gate() {
        #expect(SpendGate(cap: nil, reservedForWaiting: 5, waitingCount: 2).before(spent: 100, estimate: 100) == .admit)
        let gate = SpendGate(cap: 10, reservedForWaiting: 0, waitingCount: 0)
        #expect(gate.before(spent: 9, estimate: 1) == .admit)
        #expect(gate.before(spent: 9, estimate: 1.01) == .capReached(reason: "--max-cost 10.0 reached"))
        let kept = SpendGate(cap: 10, reservedForWaiting: 3, waitingCount: 2)
        #expect(kept.before(spent: 6, estimate: 1) == .admit)
        #expect(kept.before(spent: 6, estimate: 1.5) == .keptForWaiting(reason: "--max-cost 10.0: the rest is kept for 2 jobs waiting on others"))
        #expect(!gate.passedAfterIntent(spent: 10))
        #expect(gate.passedAfterIntent(spent: 10.01))
    }

    @Test("one output is the base, several are numbered, and a number that is another job's id moves aside")
    func names() {
        #expect(OutputNames(base: "a", count: 1, jobIDs: []).name(of: 0) == ("a", 1, 1))
        #expect(OutputNames(base: "a", count: 0, jobIDs: []).name(of: 0) == ("a", 1, 1))
        let several = OutputNames(base: "s/a", count: 3, jobIDs: ["s/a-2"])
        #expect(several.name(of: 0) == ("s/a-1", 1, 3))
        #expect(several.name(of: 1) == ("s/a.output-2", 2, 3))
    }
}
