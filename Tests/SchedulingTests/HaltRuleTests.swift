import Scheduling
import Testing

@Suite("--halt")
struct HaltRuleTests {
    @Test("fail=N and fail=P% parse; anything else is refused")
    func parsing() {
        #expect(HaltRule(parsing: "fail=3") == HaltRule(.count(3)))
        #expect(HaltRule(parsing: "fail=25%") == HaltRule(.percent(25)))
        for bad in ["fail=0", "fail=-1", "fail=0%", "fail=101%", "fail=x", "3", "failed=3", "fail=", "fail=%"] {
            #expect(HaltRule(parsing: bad) == nil, "\(bad)")
        }
        #expect(HaltRule(.percent(12.5)).description == "--halt fail=12.5%")
        #expect(HaltRule(.count(3)).description == "--halt fail=3")
    }

    @Test("a count trips at N failures; a percentage only once 10 jobs have finished")
    func tripping() {
        let three = HaltRule(.count(3))
        #expect(!three.trips(failed: 2, finished: 2))
        #expect(three.trips(failed: 3, finished: 3))
        let half = HaltRule(.percent(50))
        #expect(!half.trips(failed: 5, finished: 5), "fewer than 10 finished")
        #expect(!half.trips(failed: 4, finished: 10))
        #expect(half.trips(failed: 5, finished: 10))
    }
}
