import JobManifest
import Testing

@Suite("Job ids")
struct JobIDTests {
    @Test("a take's id is its shot's and ~N; anything else after the last ~ is part of the shot's id", arguments: [
        ("a~2", "a", 2 as Int?), ("a", "a", nil), ("a~x", "a~x", nil), ("a~1~2", "a~1", 2), ("a~", "a~", nil),
        ("a~\u{301}2", "a~\u{301}2", nil), ("é~10", "é", 10), ("~3", "", 3),
    ])
    func shotAndTake(id: String, shot: String, take: Int?) {
        #expect(JobID.shot(of: id) == shot)
        #expect(JobID.take(of: id) == take)
    }
}
