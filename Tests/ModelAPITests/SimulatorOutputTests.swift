import APISimulator
import Foundation
import JSON
import Testing

/// What the simulator renders: files of each model's kind (PNG, WAV, MP4), as many as the body asks for, each
/// request's bytes its own, and the cost by the model's unit.
@Suite("Simulator: outputs of every kind")
struct SimulatorOutputTests {
    static let seed = "kling/kling-video-o3/pro/image-to-video"

    static let catalogue: [JSONValue] = [
        entry("acme/still/text-to-image", unit: "output", price: 0.05, categories: ["text-to-image"],
              #""prompt":{"type":"string"},"num_images":{"type":"integer","default":1,"minimum":1,"maximum":4}"#),
        entry("acme/batch/edit", unit: "output", price: nil, categories: [],
              #""prompt":{"type":"string"},"n":{"type":"integer","default":3}"#),
        entry("acme/voice/text-to-speech", unit: "second", price: 0.01, categories: ["text-to-speech"],
              #""text":{"type":"string"},"num_outputs":{"type":"integer"}"#),
        entry("acme/flow/image-to-video", unit: "second", price: 0.1, categories: ["image-to-video"],
              #""prompt":{"type":"string"},"duration":{"type":"string","enum":["auto","6","8","10"]},"num_outputs":{"type":"integer"}"#),
        entry("acme/range/text-to-video", unit: "second", price: 0.1, categories: ["text-to-video"],
              #""prompt":{"type":"string"},"duration":{"type":"integer","minimum":3,"maximum":12,"default":5}"#),
    ]

    static func entry(_ id: String, unit: String, price: Double?, categories: [String], _ properties: String) -> JSONValue {
        let price = price.map { ", \"base_price_usd\": \(JSONValue.format($0))" } ?? ""
        let list = categories.map { "\"\($0)\"" }.joined(separator: ",")
        return try! JSONValue.parse(#"{"model_id":"\#(id)","kind":"model","price_unit":"\#(unit)"\#(price),"categories":[\#(list)],"input_schema":{"type":"object","properties":{\#(properties)}}}"#)
    }

    private func withCatalogue(options configure: @escaping (inout SimulatorOptions) -> Void = { _ in }, _ body: (SimulatorSession) async throws -> Void) async throws {
        try await SimulatorSession.run({ $0.catalog = Self.catalogue; configure(&$0) }, body)
    }

    /// ffprobe's reading of a file (`codec_name,width,height` of its first stream and its duration), or nil when
    /// ffprobe is not installed.
    private func probe(_ bytes: [UInt8], _ suffix: String) throws -> String? {
        let ffprobe = "/usr/bin/ffprobe"
        guard FileManager.default.isExecutableFile(atPath: ffprobe) else { return nil }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sim-output-\(UUID().uuidString).\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffprobe)
        process.arguments = ["-v", "error", "-show_entries", "stream=codec_name,width,height:format=duration", "-of", "csv=p=0", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? output.trimmingCharacters(in: .whitespacesAndNewlines) : "failed: \(output)"
    }

    /// The PNG's chunks, each CRC checked with a bitwise CRC-32 (not the simulator's table).
    private func pngChunks(_ png: [UInt8]) -> [(type: String, data: [UInt8])]? {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        func word(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var chunks: [(String, [UInt8])] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = word(offset)
            guard offset + 12 + length <= png.count else { return nil }
            let typed = Array(png[offset + 4..<offset + 8 + length])
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in typed {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
            }
            guard crc ^ 0xFFFF_FFFF == UInt32(word(offset + 8 + length)) else { return nil }
            chunks.append((String(decoding: typed[0..<4], as: UTF8.self), Array(typed[4...])))
            offset += 12 + length
        }
        return offset == png.count ? chunks : nil
    }

    @Test("an image model with num_images 2: two PNG URLs, valid PNGs (CRCs right, 64x36), different bytes; the cost per output")
    func twoImages() async throws {
        try await withCatalogue { session in
            let result = try await session.render("acme/still/text-to-image", #"{"prompt":"p","num_images":2}"#)
            let id = try #require(result["request_id"]?.string)
            let urls = try #require(result["output"]?["images"]?.elements?.compactMap { $0.string })
            #expect(urls == ["\(session.simulator.baseURL)/files/\(id)-1.png", "\(session.simulator.baseURL)/files/\(id)-2.png"])
            #expect(result["output"]?.members?.count == 1 && result["cost"] == .number(0.1))
            var files: [[UInt8]] = []
            for url in urls {
                let file = try await session.download(url)
                #expect(file.status == 200 && file.contentType == "image/png")
                let chunks = try #require(pngChunks(file.body), "a PNG whose chunks' CRCs are right")
                #expect(chunks.map { $0.type } == ["IHDR", "tEXt", "IDAT", "IEND"])
                #expect(chunks.first?.data.prefix(8) == [0, 0, 0, 64, 0, 0, 0, 36])
                if let reading = try probe(file.body, "png") { #expect(reading.hasPrefix("png,64,36"), "\(reading)") }
                files.append(file.body)
            }
            #expect(files[0] != files[1])
            #expect(try await session.get("/files/\(id).png", token: nil).status == 404, "several outputs are numbered")
            #expect(try await session.get("/files/\(id)-3.png", token: nil).status == 404)
        }
    }

    @Test("the count comes from n's default when the body has none; image outputs are always a list")
    func countDefault() async throws {
        try await withCatalogue { session in
            let batch = try await session.render("acme/batch/edit", #"{"prompt":"p"}"#)
            #expect(batch["output"]?["images"]?.elements?.count == 3)
            #expect(batch["cost"] == .number(0.09), "3 x the simulated 0.03 per output")
            let one = try await session.render("acme/still/text-to-image", #"{"prompt":"p"}"#)
            let url = try #require(one["output"]?["images"]?.elements?.first?.string)
            #expect(url.hasSuffix("/files/\(one["request_id"]?.string ?? "").png"))
            #expect(try await session.submit("acme/batch/edit", #"{"prompt":"p","n":0}"#).status == 422, "at least one output")
        }
    }

    @Test("two requests with the same body get different bytes: images, audio, catalogue video, and the seed's clip")
    func uniquePerRequest() async throws {
        try await withCatalogue { session in
            let cases: [(String, String, String)] = [
                ("acme/still/text-to-image", #"{"prompt":"p"}"#, "images"),
                ("acme/voice/text-to-speech", #"{"text":"t"}"#, "audio"),
                ("acme/flow/image-to-video", #"{"prompt":"p","duration":"6"}"#, "video"),
                (Self.seed, #"{"image":"https://x.example/a.png","prompt":"p"}"#, "video"),
            ]
            for (model, body, key) in cases {
                var files: [[UInt8]] = []
                for _ in 0..<2 {
                    let output = try #require(try await session.render(model, body)["output"]?[key])
                    let url = try #require(output.string ?? output.elements?.first?.string)
                    files.append(try await session.download(url).body)
                }
                #expect(files[0] != files[1], "\(model)")
                if key == "video" { #expect(files[0].count == files[1].count, "videos alike in size, as before") }
            }
        }
    }

    @Test("an audio model gives a WAV (RIFF, PCM, about a second); several are audios; cost per second")
    func audio() async throws {
        try await withCatalogue { session in
            let result = try await session.render("acme/voice/text-to-speech", #"{"text":"hello"}"#)
            let url = try #require(result["output"]?["audio"]?.string)
            #expect(url.hasSuffix(".wav") && result["cost"] == .number(0.05), "no duration field: the fixed 5 s")
            let file = try await session.download(url)
            #expect(file.contentType == "audio/wav")
            #expect(Array(file.body[0..<4]) == Array("RIFF".utf8) && Array(file.body[8..<16]) == Array("WAVEfmt ".utf8))
            #expect(file.body.count == 44 + 16_000)
            if let reading = try probe(file.body, "wav") { #expect(reading.hasPrefix("pcm_s16le") && reading.hasSuffix("1.000000"), "\(reading)") }
            let several = try await session.render("acme/voice/text-to-speech", #"{"text":"hello","num_outputs":2}"#)
            let urls = try #require(several["output"]?["audios"]?.elements?.compactMap { $0.string })
            #expect(urls.count == 2 && urls.allSatisfy { $0.hasSuffix(".wav") })
            #expect(try await session.download(urls[0]).body != session.download(urls[1]).body)
        }
    }

    @Test("a video model with two outputs gives videos: MP4s that stay valid with the request's free box")
    func videos() async throws {
        try await withCatalogue { session in
            let result = try await session.render("acme/flow/image-to-video", #"{"prompt":"p","duration":"8","num_outputs":2}"#)
            let urls = try #require(result["output"]?["videos"]?.elements?.compactMap { $0.string })
            #expect(urls.count == 2 && urls[1].hasSuffix("-2.mp4"))
            #expect(result["cost"] == .number(0.8), "per second: 8 s x 0.1, whatever the count")
            let id = try #require(result["request_id"]?.string)
            for (index, url) in urls.enumerated() {
                let file = try await session.download(url)
                #expect(file.contentType == "video/mp4" && Array(file.body[4..<8]) == Array("ftyp".utf8))
                // A trailing box: size 72, `free`, the tag padded with zeros to 64 bytes.
                let box = Array(file.body.suffix(72))
                let tag = Array("shotrunner-simulator \(id) \(index + 1)".utf8)
                #expect(box.prefix(8) == [0, 0, 0, 72] + Array("free".utf8) && Array(box[8..<8 + tag.count]) == tag)
                #expect(box[(8 + tag.count)...].allSatisfy { $0 == 0 })
                if let reading = try probe(file.body, "mp4") { #expect(reading.hasPrefix("h264,160,90"), "\(reading)") }
            }
        }
    }

    @Test("per-second cost: a numeric string, \"auto\" and absent as the largest allowed, an integer range's maximum")
    func perSecondCost() async throws {
        try await withCatalogue { session async throws in  // (its only `try`s are inside macros)
            #expect(try await session.render("acme/flow/image-to-video", #"{"prompt":"p","duration":"6"}"#)["cost"] == .number(0.6))
            #expect(try await session.render("acme/flow/image-to-video", #"{"prompt":"p","duration":"auto"}"#)["cost"]?.double == 1, "the written 1 reads back as an integer")
            #expect(try await session.render("acme/flow/image-to-video", #"{"prompt":"p"}"#)["cost"]?.double == 1)
            #expect(try await session.render("acme/range/text-to-video", #"{"prompt":"p","duration":7}"#)["cost"] == .number(0.7))
            #expect(try await session.render("acme/range/text-to-video", #"{"prompt":"p"}"#)["cost"] == .number(1.2))
        }
    }

    @Test("the seed as before: {\"video\": <base>/files/<id>.mp4}, its cost with sound, the sample clip (padded to --clip-bytes) plus its tag")
    func seedUnchanged() async throws {
        try await withCatalogue(options: { $0.clipBytes = 20_000 }) { session in
            let result = try await session.render(Self.seed, #"{"image":"https://x.example/a.png","prompt":"p","duration":10,"sound":true}"#)
            let id = try #require(result["request_id"]?.string)
            #expect(result["output"]?.compact == #"{"video":"\#(session.simulator.baseURL)/files/\#(id).mp4"}"#)
            #expect(result["cost"] == .number(1.4))
            let file = try await session.download(try #require(result["output"]?["video"]?.string))
            #expect(file.contentType == "video/mp4" && file.body.count == 20_000, "the padded size kept")
            #expect(String(decoding: file.body, as: UTF8.self).contains("shotrunner-simulator \(id) 1"))
            if let reading = try probe(file.body, "mp4") { #expect(reading.hasPrefix("h264,160,90"), "\(reading)") }
        }
    }
}
