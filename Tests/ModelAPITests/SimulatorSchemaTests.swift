import APISimulator
import JSON
import Testing

/// Submits to catalogue models: each body checked against its model's `input_schema` by the simulator's own
/// reader of the dialect.
@Suite("Simulator: bodies checked against each model's schema")
struct SimulatorSchemaTests {
    static let model = "acme/flow/image-to-video"

    /// A made-up model using every part of the dialect the simulator reads.
    static let entry = try! JSONValue.parse(#"""
    {"model_id": "acme/flow/image-to-video", "kind": "model", "price_unit": "second", "base_price_usd": 0.1,
     "categories": ["image-to-video"],
     "input_schema": {"type": "object", "required": ["prompt", "start_image"], "properties": {
       "prompt": {"type": "string", "minLength": 1, "maxLength": 20, "title": "Prompt"},
       "start_image": {"type": "string", "format": "image_uri", "description": "URL or data URI"},
       "references": {"type": "array", "format": "image_uris", "maxItems": 2, "minItems": 1,
                      "validations": [{"validation_rule": "file_size_mb<", "validation_value": 30}]},
       "clip": {"type": "string", "format": "video_uri"},
       "voice": {"format": "audio_uri"},
       "cfg_scale": {"type": "float", "minimum": 0, "maximum": 1},
       "duration": {"type": "integer", "minimum": 3, "maximum": 15},
       "fps": {"type": "integer", "enum": [24, 30]},
       "aspect_ratio": {"type": "string", "enum": ["16:9", "9:16"]},
       "generate_audio": {"type": "boolean"},
       "segments": {"type": "array", "maxItems": 3, "items": {"prompt": {"type": "string"}, "duration": {"type": "integer", "minimum": 3}}},
       "keyframes": {"type": "array", "items": {"type": "object", "required": ["uri"],
                     "properties": {"uri": {"type": "string", "format": "image_uri"}, "at": {"type": "number"}}}},
       "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}
     }}}
    """#)

    static let png = "data:image/png;base64,iVBORw0KGgo="

    /// Submits a body (`start_image` and `prompt` added unless given) and returns the answer.
    private func submit(_ session: SimulatorSession, _ fields: String, base: Bool = true) async throws -> SimulatorSession.Answer {
        let body = base ? #"{"prompt":"p","start_image":"https://cdn.example.com/a.png"\#(fields.isEmpty ? "" : ",")\#(fields)}"# : "{\(fields)}"
        return try await session.submit(Self.model, body)
    }

    /// The `detail` entries of a 422, as `loc` paths and types.
    private func refusal(_ answer: SimulatorSession.Answer) -> [(loc: [String], type: String)] {
        guard answer.status == 422, answer.json["error_code"] == .int(422001) else { return [] }
        return (answer.json["detail"]?.elements ?? []).map { problem in
            ((problem["loc"]?.elements ?? []).compactMap { $0.string }, problem["type"]?.string ?? "")
        }
    }

    private func withModel(_ body: (SimulatorSession) async throws -> Void) async throws {
        try await SimulatorSession.run({ $0.catalog = [Self.entry] }, body)
    }

    @Test("a body within the schema is accepted, media as https URLs and data URIs of their kinds")
    func accepted() async throws {
        try await withModel { session in
            let body = #""references":["\#(Self.png)","https://cdn.example.com/b.webp"],"clip":"data:video/mp4;base64,AAAAIGZ0eXA=","#
                + #""voice":"data:audio/wav;base64,UklGRg==","cfg_scale":0.5,"duration":8,"fps":30,"aspect_ratio":"9:16","generate_audio":true,"#
                + #""segments":[{"prompt":"a","duration":4}],"keyframes":[{"uri":"\#(Self.png)","at":1}],"tags":["a"]"#
            let answer = try await submit(session, body)
            #expect(answer.status == 200, "\(answer.json.compact)")
            #expect(try await submit(session, #""cfg_scale":1"#).status == 200, "an integer is a number")
            let stats = await session.stats()
            #expect(stats["accepted_by_model"]?[Self.model] == .int(2))
        }
    }

    @Test(
        "each kind of violation is refused with 422001 at its place",
        arguments: [
            (#""cfg_scale":1.5"#, ["body", "cfg_scale"], "value_error.number.not_le"),
            (#""cfg_scale":-0.1"#, ["body", "cfg_scale"], "value_error.number.not_ge"),
            (#""cfg_scale":"0.5""#, ["body", "cfg_scale"], "type_error.float"),
            (#""aspect_ratio":"4:3""#, ["body", "aspect_ratio"], "type_error.enum"),
            (#""fps":25"#, ["body", "fps"], "type_error.enum"),
            (#""duration":5.0"#, ["body", "duration"], "type_error.integer"),
            (#""duration":2"#, ["body", "duration"], "value_error.number.not_ge"),
            (#""generate_audio":1"#, ["body", "generate_audio"], "type_error.bool"),
            (#""references":["https://a.example/1.png","https://a.example/2.png","https://a.example/3.png"]"#, ["body", "references"], "value_error.list.max_items"),
            (#""references":[]"#, ["body", "references"], "value_error.list.min_items"),
            (#""references":"https://a.example/1.png""#, ["body", "references"], "type_error.list"),
            (#""references":["http://a.example/1.png"]"#, ["body", "references", "0"], "value_error.url"),
            (#""clip":"data:image/png;base64,iVBORw0KGgo=""#, ["body", "clip"], "value_error.url"),
            (#""voice":"data:video/mp4;base64,AAAA""#, ["body", "voice"], "value_error.url"),
            (#""clip":"data:video/mp4;base64,not base64!""#, ["body", "clip"], "value_error.url"),
            (#""segments":[{"prompt":"a","duration":2}]"#, ["body", "segments", "0", "duration"], "value_error.number.not_ge"),
            (#""segments":[{"prompt":"a","speed":2}]"#, ["body", "segments", "0", "speed"], "value_error.extra"),
            (#""keyframes":[{"at":1}]"#, ["body", "keyframes", "0", "uri"], "value_error.missing"),
            (#""keyframes":[{"uri":"ftp://x"}]"#, ["body", "keyframes", "0", "uri"], "value_error.url"),
            (#""keyframes":["https://a.example/1.png"]"#, ["body", "keyframes", "0"], "type_error.dict"),
            (#""segments":[{"prompt":1}]"#, ["body", "segments", "0", "prompt"], "type_error.str"),
            (#""tags":["c"]"#, ["body", "tags", "0"], "type_error.enum"),
            (#""seed":1"#, ["body", "seed"], "value_error.extra"),
        ]
    )
    func violation(_ fields: String, _ location: [String], _ type: String) async throws {
        try await withModel { session in
            let problems = refusal(try await submit(session, fields))
            #expect(problems.map { $0.loc } == [location], "\(fields)")
            #expect(problems.map { $0.type } == [type], "\(fields)")
            #expect(await session.stats()["accepted_submits"] == .int(0))
        }
    }

    @Test("required fields, string lengths, and an image field given a data URI of another kind")
    func requiredAndLengths() async throws {
        try await withModel { session in
            let missing = refusal(try await submit(session, #""prompt":"p""#, base: false))
            #expect(missing.map { $0.loc } == [["body", "start_image"]] && missing.map { $0.type } == ["value_error.missing"])
            let empty = refusal(try await submit(session, #""prompt":"","start_image":"https://cdn.example.com/a.png""#, base: false))
            #expect(empty.map { $0.type } == ["value_error.any_str.min_length"])
            let long = refusal(try await submit(session, #""prompt":"\#(String(repeating: "x", count: 21))","start_image":"https://cdn.example.com/a.png""#, base: false))
            #expect(long.map { $0.type } == ["value_error.any_str.max_length"])
            let wrongKind = refusal(try await submit(session, #""prompt":"p","start_image":"data:audio/wav;base64,UklGRg==""#, base: false))
            #expect(wrongKind.map { $0.loc } == [["body", "start_image"]] && wrongKind.map { $0.type } == ["value_error.url"])
            let many = refusal(try await submit(session, #""start_image":1,"extra":true"#, base: false))
            #expect(Set(many.map { $0.type }) == ["value_error.extra", "value_error.missing", "type_error.str"])
        }
    }

    @Test("the snapshot's models: an edit model's image list over maxItems, its required image list missing, a float out of range")
    func snapshotModels() async throws {
        try await SimulatorSession.run({ _ in }) { session async throws in  // (its only `try`s are inside macros)
            let edit = "google/nano-banana-2-lite/edit"
            let eleven = (0..<11).map { _ in "\"https://cdn.example.com/a.png\"" }.joined(separator: ",")
            #expect(try await refusal(session.submit(edit, #"{"prompt":"p","image_urls":[\#(eleven)]}"#)).map { $0.type } == ["value_error.list.max_items"])
            #expect(try await refusal(session.submit(edit, #"{"prompt":"p"}"#)).map { $0.loc } == [["body", "image_urls"]])
            #expect(try await session.submit(edit, #"{"prompt":"p","image_urls":["https://cdn.example.com/a.png"]}"#).status == 200)
            let kling = "kling/kling-3.0/pro/image-to-video"
            let far = #"{"prompt":"p","start_image_url":"https://cdn.example.com/a.png","cfg_scale":2}"#
            #expect(try await refusal(session.submit(kling, far)).map { $0.loc } == [["body", "cfg_scale"]])
            let stats = await session.stats()
            #expect(stats["submits_by_model"]?[edit] == .int(3) && stats["submits_by_model"]?[kling] == .int(1))
            #expect(stats["accepted_by_model"]?[edit] == .int(1) && stats["accepted_by_model"]?[kling] == nil)
        }
    }

    @Test("a model not in the catalogue is 400001; the seed is served even when the catalogue lacks it, with its own checks")
    func unknownAndSeed() async throws {
        try await withModel { session in
            let unknown = try await session.submit("acme/nope/image-to-video", #"{"prompt":"p"}"#)
            #expect(unknown.status == 400 && unknown.json["error_code"] == .int(400001))
            let seed = "kling/kling-video-o3/pro/image-to-video"
            let sum = #"{"duration":10,"image":"https://x.example/a.png","prompt":"p","multi_prompt":[{"prompt":"a","duration":4}]}"#
            #expect(try await refusal(session.submit(seed, sum)).map { $0.loc } == [["body", "multi_prompt"]], "the segment sum only the seed's validator knows")
            #expect(try await session.submit(seed, #"{"image":"https://x.example/a.png","prompt":"p"}"#).status == 200)
            let stats = await session.stats()
            #expect(stats["submits_by_model"]?["acme/nope/image-to-video"] == .int(1) && stats["submits_by_model"]?[seed] == .int(2))
        }
    }
}
