import Foundation
@testable import RunnerCLI
import Testing

/// The review room's rules, each on its own: who may ask, what a decision request is, which bytes a range gives.
@Suite("review room: guard, requests, ranges")
struct ReviewGuardTests {
    let loopback = ReviewGuard(host: "127.0.0.1", port: 8470, accessToken: nil, pageToken: "p" + String(repeating: "0", count: 31))
    let shared = ReviewGuard(host: "10.1.2.3", port: 8470, accessToken: "a" + String(repeating: "1", count: 31), pageToken: "p" + String(repeating: "0", count: 31))

    @Test("a Host that is not the address served is refused (DNS rebinding); loopback names are the same machine")
    func host() {
        #expect(loopback.check(method: "GET", host: "127.0.0.1:8470", origin: nil, accessToken: nil, pageToken: nil) == .allowed)
        #expect(loopback.check(method: "GET", host: "localhost:8470", origin: nil, accessToken: nil, pageToken: nil) == .allowed)
        #expect(loopback.check(method: "GET", host: "LOCALHOST:8470", origin: nil, accessToken: nil, pageToken: nil) == .allowed)
        for host in ["evil.example:8470", "127.0.0.1:8471", "127.0.0.1", ""] {
            guard case .refused(421, _) = loopback.check(method: "GET", host: host, origin: nil, accessToken: nil, pageToken: nil) else {
                Issue.record("\(host) was let in")
                continue
            }
        }
        guard case .refused(421, _) = loopback.check(method: "GET", host: nil, origin: nil, accessToken: nil, pageToken: nil) else {
            Issue.record("no Host was let in")
            return
        }
        #expect(shared.check(method: "GET", host: "10.1.2.3:8470", origin: nil, accessToken: shared.accessToken, pageToken: nil) == .allowed)
        #expect(shared.check(method: "GET", host: "localhost:8470", origin: nil, accessToken: shared.accessToken, pageToken: nil) != .allowed)
        // Bound to every address: whichever name the browser reached it by, on its port; the token still guards it.
        let wildcard = ReviewGuard(host: "0.0.0.0", port: 8470, accessToken: "t", pageToken: "p")
        #expect(wildcard.check(method: "GET", host: "review.lan:8470", origin: nil, accessToken: "t", pageToken: nil) == .allowed)
        #expect(wildcard.check(method: "GET", host: "review.lan:8471", origin: nil, accessToken: "t", pageToken: nil) != .allowed)
        #expect(wildcard.check(method: "GET", host: "review.lan:8470", origin: nil, accessToken: nil, pageToken: nil) != .allowed)
    }

    @Test("any other address than loopback needs the access token, from the query or the cookie")
    func accessToken() {
        let token = shared.accessToken ?? ""
        #expect(shared.check(method: "GET", host: "10.1.2.3:8470", origin: nil, accessToken: nil, pageToken: nil) == .refused(401, "the review room needs its access token: open the URL it printed"))
        #expect(shared.check(method: "GET", host: "10.1.2.3:8470", origin: nil, accessToken: String(token.dropLast()) + "x", pageToken: nil) != .allowed)
        #expect(ReviewGuard.carriedToken(query: nil, cookie: "theme=dark; shotrunner_review=\(token)") == token)
        #expect(ReviewGuard.carriedToken(query: "q", cookie: "shotrunner_review=\(token)") == "q")
        #expect(ReviewGuard.carriedToken(query: nil, cookie: "other=1") == nil)
        #expect(ReviewGuard.isLoopback("127.0.0.1") && ReviewGuard.isLoopback("::1") && !ReviewGuard.isLoopback("0.0.0.0"))
        let a = ReviewGuard.randomToken(), b = ReviewGuard.randomToken()
        #expect(a.count == 32 && a != b && a.allSatisfy(\.isHexDigit))
    }

    @Test("a change is a POST from the page itself: same origin and the page's token")
    func changes() {
        let page = loopback.pageToken
        let host = "127.0.0.1:8470"
        #expect(loopback.check(method: "POST", host: host, origin: "http://127.0.0.1:8470", accessToken: nil, pageToken: page) == .allowed)
        #expect(loopback.check(method: "POST", host: host, origin: "http://evil.example", accessToken: nil, pageToken: page) != .allowed)
        #expect(loopback.check(method: "POST", host: host, origin: nil, accessToken: nil, pageToken: page) != .allowed)
        #expect(loopback.check(method: "POST", host: host, origin: "http://127.0.0.1:8470", accessToken: nil, pageToken: nil) != .allowed)
        #expect(loopback.check(method: "POST", host: host, origin: "http://127.0.0.1:8470", accessToken: nil, pageToken: "wrong") != .allowed)
        guard case .refused(403, _) = loopback.check(method: "PUT", host: host, origin: "http://127.0.0.1:8470", accessToken: nil, pageToken: page) else {
            Issue.record("PUT was let in")
            return
        }
    }

    @Test("a decision request is an object with a known action and a job; anything else is malformed")
    func requests() throws {
        let request = try ReviewRequest(json: Array(#"{"action":"retake","job":"dusk/lamp","note":"warmer"}"#.utf8))
        #expect(request == (try ReviewRequest(json: Array(#"{"job":"dusk/lamp","note":"warmer","action":"retake"}"#.utf8))))
        #expect(request.action == .retake && request.job == "dusk/lamp" && request.note == "warmer")
        for bad in [#"{"action":"delete","job":"x"}"#, #"{"action":"pick"}"#, #"{"action":"pick","job":""}"#, "[1]", "{", "", #"{"action":1,"job":"x"}"#] {
            #expect(throws: ReviewRequest.Malformed.self) { try ReviewRequest(json: Array(bad.utf8)) }
        }
    }

    @Test("byte ranges: start-end, open-ended, a suffix; none past the end")
    func ranges() {
        #expect(ReviewFile.parse("bytes=0-9", size: 100)! == (0, 9))
        #expect(ReviewFile.parse("bytes=90-", size: 100)! == (90, 99))
        #expect(ReviewFile.parse("bytes=-10", size: 100)! == (90, 99))
        #expect(ReviewFile.parse("bytes=50-500", size: 100)! == (50, 99))
        #expect(ReviewFile.parse("bytes=100-", size: 100) == nil)
        #expect(ReviewFile.parse("bytes=9-3", size: 100) == nil)
        #expect(ReviewFile.parse("bytes=0-1,5-6", size: 100) == nil)
        #expect(ReviewFile.parse("items=0-1", size: 100) == nil)
        #expect(ReviewFile.contentType("/a/b.MP4") == "video/mp4" && ReviewFile.contentType("x.png") == "image/png")
    }
}
