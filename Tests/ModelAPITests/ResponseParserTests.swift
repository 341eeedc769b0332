import HTTPTypes
import JobManifest
@testable import ModelAPI
import JSON
import Testing

/// The answers' JSON read leniently: numbers as strings, extra fields, `error_code` as a number or a string, a
/// message from `error_message`, `message` or `error` (a string, or an object with a message), `detail`, and the
/// outputs' fallbacks.
@Suite("Response parser")
struct ResponseParserTests {
    private func object(_ text: String) throws -> ReplyObject {
        try #require(ResponseParser.object(Array(text.utf8)))
    }

    private func errorBody(_ text: String) throws -> ErrorBody {
        ResponseParser.errorBody(try object(text))
    }

    @Test("only a JSON object is an object", arguments: ["", "not json", "[1]", "\"text\"", "42", "null", #"{"a":1"#])
    func notAnObject(body: String) {
        #expect(ResponseParser.object(Array(body.utf8)) == nil)
    }

    @Test("error_code as a number, an integral float or a numeric string; anything else is none")
    func errorCode() throws {
        #expect(try errorBody(#"{"error_code":400002}"#).errorCode == 400002)
        #expect(try errorBody(#"{"error_code":"400002"}"#).errorCode == 400002)
        #expect(try errorBody(#"{"error_code":400002.0}"#).errorCode == 400002)
        #expect(try errorBody(#"{"error_code":400002.5}"#).errorCode == nil)
        #expect(try errorBody(#"{"error_code":"x"}"#).errorCode == nil)
        #expect(try errorBody(#"{"error_code":true}"#).errorCode == nil)
        #expect(try errorBody(#"{"error_code":null}"#).errorCode == nil)
        #expect(try errorBody(#"{"error_code":1e30}"#).errorCode == nil)
    }

    @Test("the message: error_message, message, then error; an empty string is passed over")
    func message() throws {
        #expect(try errorBody(#"{"error_message":"a","message":"b","error":"c"}"#).message == "a")
        #expect(try errorBody(#"{"error_message":"","message":"b"}"#).message == "b")
        #expect(try errorBody(#"{"message":7,"error":"c"}"#).message == "c")
        #expect(try errorBody(#"{"error":{"message":"inside","type":"x"}}"#).message == "inside")
        #expect(try errorBody(#"{"error":{"type":"content_policy_violation","code":2}}"#).message == #"{"code":2,"type":"content_policy_violation"}"#)
        #expect(try errorBody(#"{"extra":{"deep":[1,2]}}"#).message == nil)
        #expect(try errorBody(#"{"message":"\#(String(repeating: "m", count: 3_000))"}"#).message?.count == 2_000)
    }

    @Test("detail as text (JSON for anything but a string), and in words as the message when there is no other")
    func detail() throws {
        let listed = try errorBody(#"{"error_code":422001,"detail":[{"loc":["body","duration"],"msg":"bad"}]}"#)
        #expect(listed.detail == #"[{"loc":["body","duration"],"msg":"bad"}]"#)
        #expect(listed.message == "duration: bad")
        #expect(listed.reasons == "duration: bad")
        let both = try errorBody(#"{"message":"m","detail":"d"}"#)
        #expect(both.message == "m" && both.detail == "d")
        #expect(try errorBody(#"{"message":"m","detail":null}"#).detail == nil)
        #expect(try errorBody(#"{"detail":"a/b"}"#).detail == "a/b")
    }

    @Test("a FastAPI refusal's reasons: each field's path and message, kept with the server's own message")
    func refusalReasons() throws {
        let body = try errorBody(
            #"{"error_code":422001,"error_message":"validation error","detail":[{"loc":["body","image_urls",0],"msg":"must be a public https URL or an image data URI","type":"value_error"},{"loc":["body","seed"],"msg":"must be at most 2147483647"}]}"#
        )
        #expect(body.reasons == "image_urls[0]: must be a public https URL or an image data URI; seed: must be at most 2147483647")
        let error = ErrorClassifier.classify(status: 422, body: body, retryAfter: nil, call: .submit)
        #expect(error.kind == .rejected)
        #expect(error.message == "validation error: image_urls[0]: must be a public https URL or an image data URI; seed: must be at most 2147483647")
        // A message that already says it is not repeated.
        let said = try errorBody(#"{"message":"duration: bad","detail":[{"loc":["body","duration"],"msg":"bad"}]}"#)
        #expect(ErrorClassifier.classify(status: 422, body: said, retryAfter: nil, call: .submit).message == "duration: bad")
    }

    @Test("a long list of reasons is bounded, saying how many were left out")
    func boundedReasons() throws {
        let items = (0..<200).map { #"{"loc":["body","field_\#($0)"],"msg":"is wrong in a rather long way"}"# }.joined(separator: ",")
        let reasons = try #require(try errorBody(#"{"detail":[\#(items)]}"#).reasons)
        #expect(reasons.count <= ValidationDetail.limit)
        #expect(reasons.hasPrefix("field_0: is wrong"))
        #expect(reasons.hasSuffix("more"))
        #expect(ValidationDetail.path([.string("body"), .string("items"), .int(2), .string("url")]) == "items[2].url")
    }

    @Test("numbers and integers from numbers or numeric strings")
    func numbers() {
        #expect(ResponseParser.integer(.string("3")) == 3)
        #expect(ResponseParser.integer(.number(3)) == 3)
        #expect(ResponseParser.integer(.number(3.5)) == nil)
        #expect(ResponseParser.integer(.string("3.5")) == nil)
        #expect(ResponseParser.integer(nil) == nil)
        #expect(ResponseParser.number(.string("0.56")) == 0.56)
        #expect(ResponseParser.number(.int(2)) == 2)
        #expect(ResponseParser.number(.bool(true)) == nil)
        #expect(ResponseParser.number(.null) == nil)
    }

    @Test("outputs: every URL under video, videos, image, images, audio, audios, in that order, strings or {url}", arguments: [
        (#"{"output":"https://x/a.mp4"}"#, ["https://x/a.mp4"]),
        (#"{"output":{"video":"v","videos":["w"]}}"#, ["v", "w"]),
        (#"{"output":{"video":"","videos":["w1","w2"]}}"#, ["w1", "w2"]),
        (#"{"output":{"videos":["w",1],"image":"i"}}"#, ["w", "i"]),
        (#"{"output":{"videos":[],"images":["i1"]}}"#, ["i1"]),
        (#"{"output":{"audio":"a","video":"v"}}"#, ["v", "a"]),
        (#"{"output":{"audios":[{"url":"a1"},{"url":"a2"}]}}"#, ["a1", "a2"]),
        (#"{"output":{"images":[{"url":"i1"},"i1"]}}"#, ["i1"]),
        (#"{"output":{"other":"o"}}"#, []),
        (#"{"output":null}"#, []),
        (#"{"output":["a"]}"#, ["a"]),
        (#"{"status":"completed"}"#, []),
    ])
    func outputs(body: String, expected: [String]) throws {
        #expect(ResponseParser.outputs(try object(body)) == expected)
    }

    @Test("through the client: numbers as strings, extra fields, an image output, a string error_code in a 2xx")
    func throughTheClient() async throws {
        func client(_ body: String, status: Int = 200) -> HTTPModelAPIClient {
            HTTPModelAPIClient(configuration: .init(baseURL: "https://model-api.runcomfy.net"), token: Token("t"), transport: StubTransport(status: status, body: body))
        }
        let queued = try await client(#"{"status":"in_queue","queue_position":"4","extra":{"a":[1,{"b":null}]}}"#).status(requestID: "r")
        #expect(queued == StatusReport(state: .inQueue, queuePosition: 4))
        let result = try await client(#"{"status":"succeeded","cost":"0.56","output":{"images":["https://x/i.png"]}}"#).result(requestID: "r")
        #expect(result == ResultReport(state: .completed, outputs: ["https://x/i.png"], cost: 0.56))
        let info = try await client(#"{"base_price_usd":"0.112","price_unit":"second","name":"k"}"#).modelInfo(modelID: "m")
        #expect(info == ModelInfo(basePriceUSD: 0.112, priceUnit: "second"))
        do {
            _ = try await client(#"{"error_code":"400002","error":{"message":"no balance"}}"#).submit(modelID: "m", body: [])
            Issue.record("a 2xx carrying error_code was taken for a success")
        } catch {
            #expect(error.kind == .fatal && error.apiCode == 400002 && error.message == "no balance")
        }
    }

    @Test("Retry-After is found whatever its case, the first of repeated fields")
    func retryAfter() async throws {
        var headers = HTTPFields()
        headers.append(HTTPField(name: try #require(HTTPField.Name("retry-AFTER")), value: "7"))
        headers.append(HTTPField(name: .retryAfter, value: "9"))
        let transport = StubTransport(status: 429, body: #"{"error_code":429001}"#, headers: headers)
        let client = HTTPModelAPIClient(configuration: .init(baseURL: "https://model-api.runcomfy.net"), token: Token("t"), transport: transport)
        do {
            _ = try await client.status(requestID: "r")
            Issue.record("a 429 was taken for a success")
        } catch {
            #expect(error.kind == .throttled && error.retryAfter == .seconds(7))
        }
    }
}
