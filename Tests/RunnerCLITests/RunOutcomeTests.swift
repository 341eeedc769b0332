import Foundation
import Testing
@testable import RunnerCLI

/// `run`'s exit status is a function of how it ended, in the design's order: unfinished jobs, then the cap, a
/// fatal answer, local trouble, and a signal last.
@Suite("run's exit status")
struct RunOutcomeTests {
    @Test("each outcome has the design's code, the later rules winning")
    func exitStatus() {
        #expect(RunOutcome(allCompleted: true, pendingLeft: 0).exitStatus == 0)
        #expect(RunOutcome(allCompleted: false, pendingLeft: 0).exitStatus == 1)
        #expect(RunOutcome(allCompleted: false, pendingLeft: 0, costCapReached: true).exitStatus == 1)
        #expect(RunOutcome(allCompleted: false, pendingLeft: 2, costCapReached: true).exitStatus == 5)
        #expect(RunOutcome(allCompleted: false, pendingLeft: 2, costCapReached: true, fatal: true).exitStatus == 3)
        #expect(RunOutcome(allCompleted: false, pendingLeft: 2, fatal: true, localFailure: true).exitStatus == 6)
        #expect(RunOutcome(allCompleted: false, pendingLeft: 2, localFailure: true, interruptedBy: SIGINT).exitStatus == 130)
        #expect(RunOutcome(allCompleted: true, pendingLeft: 0, interruptedBy: SIGTERM).exitStatus == 143)
        #expect(RunOutcome(allCompleted: true, pendingLeft: 0, halted: true).exitStatus == 1, "a halt is exit 1 even if what ran completed")
        #expect(RunOutcome(allCompleted: false, pendingLeft: 3, costCapReached: true, halted: true).exitStatus == 5)
    }
}
