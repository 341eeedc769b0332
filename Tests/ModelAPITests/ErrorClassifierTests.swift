import ModelAPI
import Testing

@Suite("Error classes")
struct ErrorClassifierTests {
    private func kind(_ status: Int, code: Int? = nil, _ call: CallKind) -> APIError.Kind {
        ErrorClassifier.classify(status: status, body: ErrorBody(errorCode: code, message: "m"), retryAfter: nil, call: call).kind
    }

    @Test("nothing written is not sent; after sending, a submit is ambiguous and a poll transient")
    func transport() {
        #expect(ErrorClassifier.classify(.notSent("refused"), call: .submit).kind == .notSent)
        #expect(ErrorClassifier.classify(.noAnswer("reset", timedOut: false), call: .submit).kind == .ambiguous)
        #expect(ErrorClassifier.classify(.noAnswer("timeout", timedOut: true), call: .submit).code == "transport_timeout")
        #expect(ErrorClassifier.classify(.noAnswer("reset", timedOut: false), call: .poll).kind == .transient)
        #expect(ErrorClassifier.classify(.tooLarge(10), call: .download).kind == .rejected)  // a video past the cap would pass it again
        #expect(ErrorClassifier.classify(.tooLarge(10), call: .poll).kind == .transient)
        #expect(ErrorClassifier.classify(.redirectRefused("to http"), call: .download).code == "redirect_refused")
    }

    @Test("429, 503 and 408 are throttled on every call", arguments: [429, 503, 408])
    func throttled(status: Int) {
        for call in [CallKind.submit, .poll, .modelInfo, .download] { #expect(kind(status, call) == .throttled) }
    }

    @Test("token, account and balance problems are fatal", arguments: [(401, nil), (403, nil), (402, nil), (400, 400004), (400, 400002), (403, 403001), (200, 400002)] as [(Int, Int?)])
    func fatal(status: Int, code: Int?) {
        #expect(kind(status, code: code, .submit) == .fatal)
        #expect(kind(status, code: code, .poll) == .fatal)
    }

    @Test("a wrong model or base URL is fatal on a submit; 404 on a poll means expired")
    func notFound() {
        #expect(kind(400, code: 400001, .submit) == .fatal)
        #expect(kind(404, .submit) == .fatal)
        #expect(kind(404, .poll) == .expired)
        #expect(kind(404, code: 404001, .poll) == .expired)
        #expect(kind(200, code: 404001, .poll) == .expired)
    }

    @Test("400 and 422 reject a submit")
    func rejected() {
        #expect(kind(400, .submit) == .rejected)
        #expect(kind(422, code: 422001, .submit) == .rejected)
    }

    @Test("other 5xx, and 2xx bodies with an unknown error_code: ambiguous on a submit, transient on a poll")
    func otherServerErrors() {
        for status in [500, 502, 504] {
            #expect(kind(status, .submit) == .ambiguous)
            #expect(kind(status, .poll) == .transient)
        }
        #expect(kind(200, code: 500001, .submit) == .ambiguous)
        #expect(kind(200, code: 123456, .submit) == .ambiguous)
        #expect(kind(200, code: 123456, .poll) == .transient)
    }

    @Test("codes are bounded: api_<code> or http_<status>, never the message")
    func codes() {
        let error = ErrorClassifier.classify(status: 400, body: ErrorBody(errorCode: 400002, message: "no balance for user 42"), retryAfter: nil, call: .submit)
        #expect(error.code == "api_400002")
        #expect(ErrorClassifier.classify(status: 502, body: ErrorBody(), retryAfter: nil, call: .poll).code == "http_502")
    }

    @Test("Retry-After is read in seconds and capped")
    func retryAfter() {
        #expect(ErrorClassifier.retryAfter("7") == .seconds(7))
        #expect(ErrorClassifier.retryAfter(" 2 ") == .seconds(2))
        #expect(ErrorClassifier.retryAfter("999999") == .seconds(3_600))
        #expect(ErrorClassifier.retryAfter(nil) == nil)
        #expect(ErrorClassifier.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT") == .seconds(30))
    }
}
