import Foundation
import Hummingbird
import Logging
import ModelAPI
import Testing

/// Where videos may come from: https anywhere, plain http on loopback only; redirects keep their scheme and are
/// checked hop by hop (AsyncHTTPClient on its own would follow https to http). Tested against a loopback server
/// that answers with redirects of every kind.
@Suite("Download safety")
struct DownloadSafetyTests {
    @Test("the URL policy", arguments: [
        ("https://cdn.example.com/v.mp4", true),
        ("HTTPS://cdn.example.com/v.mp4?sig=abc", true),
        ("http://127.0.0.1:8080/files/a.mp4", true),
        ("http://localhost/a.mp4", true),
        ("http://[::1]:9/a.mp4", true),
        ("http://cdn.example.com/v.mp4", false),
        ("http://127.0.0.1.evil.example/a.mp4", false),
        ("file:///etc/passwd", false),
        ("ftp://cdn.example.com/v.mp4", false),
        ("https:///v.mp4", false),
        ("javascript:alert(1)", false),
        ("", false),
    ])
    func policy(_ url: String, _ allowed: Bool) {
        #expect(DownloadURLPolicy.allows(url) == allowed)
    }

    @Test("a redirect must keep its scheme and land somewhere allowed")
    func redirectPolicy() {
        #expect(DownloadURLPolicy.allowsRedirect(from: "https://a.example/x", to: "https://b.example/y"))
        #expect(!DownloadURLPolicy.allowsRedirect(from: "https://a.example/x", to: "http://127.0.0.1/y"))
        #expect(!DownloadURLPolicy.allowsRedirect(from: "http://127.0.0.1/x", to: "https://b.example/y"))
        #expect(!DownloadURLPolicy.allowsRedirect(from: "https://a.example/x", to: "file:///etc/passwd"))
        #expect(DownloadURLPolicy.redacted("https://u:p@a.example/x.mp4?sig=secret#f") == "https://a.example/x.mp4")
    }

    /// A loopback server: `/video` is the file; `/same` redirects (relatively) to it; `/https` to an https URL;
    /// `/file` to a file URL; `/loop` to itself.
    private func withServer(_ body: (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/video") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "VIDEO-BYTES"))) }
        @Sendable func redirect(_ location: String) -> Response { Response(status: .found, headers: [.location: location]) }
        router.get("/same") { _, _ in redirect("/video") }
        router.get("/https") { request, _ in redirect("https://127.0.0.1:\(request.head.authority?.split(separator: ":").last ?? "1")/video") }
        router.get("/file") { _, _ in redirect("file:///etc/passwd") }
        router.get("/loop") { _, _ in redirect("/loop") }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "download-safety")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await bound in ports { port = bound }
        defer { task.cancel() }
        try await body("http://127.0.0.1:\(port)")
    }

    private func download(_ url: String) async -> Result<Download, APIError> {
        let transport = AsyncHTTPTransport()
        defer { Task { await transport.shutdown() } }
        let client = HTTPModelAPIClient(configuration: .init(baseURL: "http://127.0.0.1:9"), token: Token("t"), transport: transport)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-safety-\(UUID().uuidString)")
        do {
            return .success(try await client.download(from: url, toBase: folder.appendingPathComponent("v").path, maxBytes: 1 << 20))
        } catch {
            return .failure(error)
        }
    }

    @Test("a same-scheme redirect on loopback is followed; one to another scheme, or a loop, is refused")
    func redirects() async throws {
        try await withServer { base in
            let followed = await download(base + "/same")
            #expect((try? followed.get().bytes) == 11, "\(followed)")
            for path in ["/https", "/file", "/loop"] {
                guard case .failure(let error) = await download(base + path) else {
                    Issue.record("\(path) was followed")
                    continue
                }
                #expect(error.kind == .rejected && error.code == "redirect_refused", "\(path): \(error)")
            }
        }
    }

    @Test("a plain-http output URL off this machine is refused before anything is fetched")
    func insecureURL() async {
        guard case .failure(let error) = await download("http://cdn.example.com/v.mp4?sig=secret") else {
            Issue.record("an http URL was fetched")
            return
        }
        #expect(error.kind == .rejected && error.code == "insecure_url")
        #expect(!error.message.contains("secret"))
    }
}
