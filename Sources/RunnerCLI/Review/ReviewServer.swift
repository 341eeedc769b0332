import Foundation
import HTTPTypes
import Hummingbird
import JSON
import JobManifest
import Logging
import Synchronization
import UnixSignals
import MediaTools
import NIOCore
import ResultsLedger
import Timeline

/// The review room's server: the page, the board, the changes as server-sent events, files by id, and decisions.
/// Every request passes `ReviewGuard` first; a malformed one is a 4xx, never a crash.
struct ReviewServer {
    let folders: [String]
    /// Whether a cut is being made.
    let cutGate = CutGate()
    /// What the folders' manifest says, kept while the file is unchanged.
    let manifests = ManifestShots()
    /// Required on every request when set (any `--host` but loopback).
    let accessToken: String?
    let pageToken: String
    let environment: [String: String]

    /// Starts serving on `host:port` (0: a free port); `onListening` hears the port bound.
    func run(host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router(context: BasicRequestContext.self)
        let bound = BoundPort(port)
        router.add(middleware: GuardMiddleware(host: host, bound: bound, accessToken: accessToken, pageToken: pageToken))
        routes(router)
        var quiet = Logger(label: "shotrunner.review")
        quiet.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "shotrunner-review"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                bound.set(port)
                onListening(port)
            },
            logger: quiet
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// The folders as they are now, with what their manifests say (read once per manifest and modification time:
    /// a player's range requests would otherwise parse the manifest again for every chunk of a clip).
    func board() throws -> ReviewBoard {
        var read: [ReviewBoard.Folder] = []
        for path in folders { read.append(ReviewBoard.Folder(path: path, fold: try Ledger.fold(folder: path))) }
        let manifest = read.lazy.compactMap(\.fold.manifestPath).first
        let shots = manifests.shots(manifest) { ContactSheet.shots(manifestPath: manifest, registry: ReviewCommand.registry(environment)) }
        return ReviewBoard(folders: read, shots: shots)
    }

    private func routes(_ router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.text(ReviewPage.html(pageToken: pageToken), type: "text/html; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/app.css") { _, _ in Self.text(ReviewPage.css, type: "text/css; charset=utf-8") }
        router.get("/app.js") { _, _ in Self.text(ReviewScript.source, type: "text/javascript; charset=utf-8") }
        router.get("/api/board") { _, _ in
            do {
                return Self.text(try board().json().compact, type: "application/json")
            } catch {
                return Self.problem(500, "the ledger could not be read: \(error)")
            }
        }
        router.get("/api/events") { _, _ in events() }
        router.get("/media") { request, _ in try serveFile(request) { board, folder, job, n in board.outputFile(folder: folder, job: job, output: n) } }
        router.get("/frame") { request, _ in
            try serveFile(request) { board, folder, job, n in board.frameFile(folder: folder, source: job, output: n, frame: String(request.uri.queryParameters["frame"] ?? "")) }
        }
        router.get("/input") { request, _ in try serveFile(request) { board, folder, job, n in board.inputFile(folder: folder, job: job, input: n) } }
        router.get("/cut/:name") { request, context in
            guard let name = context.parameters.get("name"), let file = ReviewCut.files[name] else { return Self.problem(404, "no such file of the cut") }
            return try await ReviewFile.serve(folders[0] + "/" + file, request: request)
        }
        router.post("/api/decide") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 10)
            return decide(Array(body.readableBytesView))
        }
        router.post("/api/assemble") { _, _ in await assemble() }
    }

    /// `data: <n>` each time a folder's ledger or decisions change (looked at twice a second), so the page reads the
    /// board again: no reload, and nothing sent when nothing changed.
    private func events() -> Response {
        let folders = folders
        let body = ResponseBody { writer in
            var last = ""
            var count = 0
            var ticks = 0
            while !Task.isCancelled {
                let now = folders.map { ReviewFile.stamp($0 + "/ledger.jsonl") + "," + ReviewFile.stamp($0 + "/decisions.jsonl") }.joined(separator: ";")
                ticks += 1
                if now != last {
                    last = now
                    count += 1
                    try await writer.write(ByteBuffer(string: "data: \(count)\n\n"))
                } else if ticks % 30 == 0 {
                    // A comment every 15 s keeps proxies from closing a quiet stream.
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }

    private func serveFile(_ request: Request, _ find: (ReviewBoard, Int, String, Int) -> String?) throws -> Response {
        let query = request.uri.queryParameters
        guard let folderText = query["f"], let folder = Int(String(folderText)), let job = query["job"], let nText = query["n"], let n = Int(String(nText)) else {
            return Self.problem(400, "a file is asked for by folder, job and number: ?f=0&job=ID&n=1")
        }
        guard let path = find(try board(), folder, String(job), n) else { return Self.problem(404, "no such file on record") }
        return try ReviewFile.response(path, range: request.headers[.range])
    }

    /// A decision from the page: `{"action", "job", "note"}` → the line appended, and the sentence for the reviewer.
    private func decide(_ bytes: [UInt8]) -> Response {
        guard let request = try? ReviewRequest(json: bytes) else { return Self.problem(400, "a decision is {\"action\", \"job\", \"note\"}") }
        do {
            let board = try board()
            let by = Decide.reviewer(environment: environment)
            guard let folder = board.folders.firstIndex(where: { $0.fold.planned.contains { JobID.shot(of: $0.id) == JobID.shot(of: request.job) } }) else {
                return Self.problem(404, "no job '\(request.job)' in these folders")
            }
            let path = board.folders[folder].path
            let fold = board.folders[folder].fold
            let made: Decide.Made = switch request.action {
            case .pick: try Decide.pick(request.job, fold: fold, folder: path, by: by)
            case .unpick: Decide.unpick(request.job, fold: fold, by: by)
            case .approve: try Decide.approve(request.job, clear: false, fold: fold, folder: path, by: by)
            case .unapprove: try Decide.approve(request.job, clear: true, fold: fold, folder: path, by: by)
            case .retake: try Decide.retake(request.job, note: request.note, clear: false, fold: fold, folder: path, by: by)
            case .unretake: try Decide.retake(request.job, note: "", clear: true, fold: fold, folder: path, by: by)
            case .note: try Decide.note(request.job, text: request.note, fold: fold, folder: path, by: by)
            }
            try Decide.record(made, folder: path)
            // `recorded`: whether a line was written (an approval already given writes none, and undoes nothing).
            return Self.text(JSONValue.object([("message", .string(made.message)), ("recorded", .bool(made.event != nil))]).compact, type: "application/json")
        } catch let error as CLIError {
            return Self.problem(409, Entry.briefly(error) ?? "\(error)")
        } catch {
            return Self.problem(500, "\(error)")
        }
    }

    private func assemble() async -> Response {
        // One cut at a time: two presses write the same files.
        guard cutGate.begin() else { return Self.problem(409, "a cut is being made; it plays when it is ready") }
        defer { cutGate.end() }
        do {
            let folds = try folders.map { ($0, try Ledger.fold(folder: $0)) }
            let message = try await ReviewCut.make(folders: folds)
            let files = ReviewCut.files.keys.sorted().filter { $0 != "animatic.mp4" }.map { name in
                JSONValue.object([("name", .string(name)), ("url", .string("/cut/" + name))])
            }
            return Self.text(JSONValue.object([
                ("message", .string(message)), ("video", .string("/cut/animatic.mp4")), ("files", .array(files)),
            ]).compact, type: "application/json")
        } catch let error as CLIError {
            return Self.problem(409, Entry.briefly(error) ?? "\(error)")
        } catch {
            return Self.problem(500, "\(error)")
        }
    }

    static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func problem(_ status: Int, _ message: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.object([("error", .string(message))]).compact))
        )
    }
}

/// A manifest's shots as the page shows them, read again only when the file changes.
final class ManifestShots: Sendable {
    private let kept = Mutex<(path: String?, stamp: String, shots: [String: ContactSheet.Shot])>((nil, "", [:]))

    func shots(_ path: String?, read: () -> [String: ContactSheet.Shot]) -> [String: ContactSheet.Shot] {
        let stamp = path.map(ReviewFile.stamp) ?? ""
        if let found = kept.withLock({ $0.path == path && $0.stamp == stamp && !stamp.isEmpty ? $0.shots : nil }) { return found }
        let shots = read()
        kept.withLock { $0 = (path, stamp, shots) }
        return shots
    }
}

/// One cut at a time.
final class CutGate: Sendable {
    private let busy = Mutex(false)
    func begin() -> Bool { busy.withLock { busy in defer { busy = true }; return !busy } }
    func end() { busy.withLock { $0 = false } }
}

/// The port a server bound (known once it listens; `--port 0` picks one).
final class BoundPort: Sendable {
    private let port: Mutex<Int>
    init(_ port: Int) { self.port = Mutex(port) }
    func set(_ value: Int) { port.withLock { $0 = value } }
    var value: Int { port.withLock { $0 } }
}

/// Every request through `ReviewGuard`; the first page load with the access token in its URL gets it as a cookie.
struct GuardMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let host: String
    let bound: BoundPort
    let accessToken: String?
    let pageToken: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let query = request.uri.queryParameters["token"].map(String.init)
        let carried = ReviewGuard.carriedToken(query: query, cookie: request.headers[.cookie])
        let guardian = ReviewGuard(host: host, port: bound.value, accessToken: accessToken, pageToken: pageToken)
        let verdict = guardian.check(
            method: request.method.rawValue, host: request.head.authority, origin: request.headers[HTTPField.Name("Origin")!],
            accessToken: carried, pageToken: request.headers[HTTPField.Name("X-Review-Token")!]
        )
        if case .refused(let status, let reason) = verdict { return ReviewServer.problem(status, reason) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            return ReviewServer.problem(Int(error.status.code), error.body ?? error.status.reasonPhrase)
        } catch {
            return ReviewServer.problem(500, "the review room could not answer: \(error)")
        }
        if let query, guardian.accessToken != nil {
            response.headers[.setCookie] = "\(ReviewGuard.cookieName)=\(query); Path=/; HttpOnly; SameSite=Strict"
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; img-src 'self'; media-src 'self'; style-src 'self'; script-src 'self'"
        return response
    }
}
