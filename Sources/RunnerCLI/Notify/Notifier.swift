import Foundation
import HTTPTypes
import JSON
import ModelAPI
import Synchronization

/// Sends a run's end to every `--notify` URL, once per run whichever end comes first (the run's own, a second
/// Ctrl-C, an early error). At most 3 tries per URL, all within 15 s; a failure is a warning on stderr and
/// changes nothing else (the exit code least of all).
final class Notifier: Sendable {
    let targets: NotifyTargets
    private let console: Console
    private let sent = Mutex(false)
    private let knownFolder = Mutex<String?>(nil)
    /// The whole budget for one end, every URL included.
    let budget: Duration
    private let tries: Int

    init(targets: NotifyTargets, console: Console, budget: Duration = .seconds(15), tries: Int = 3) {
        self.targets = targets
        self.console = console
        self.budget = budget
        self.tries = tries
    }

    /// The run folder, once the run knows it (for an end that comes before the folder's own end is written).
    var folder: String? {
        get { knownFolder.withLock { $0 } }
        set { knownFolder.withLock { $0 = newValue } }
    }

    /// Whether an end was sent already (or is being sent).
    var hasSent: Bool { sent.withLock { $0 } }

    /// Posts the notification to every URL, the first time only; returns when done or when the budget is spent.
    func send(_ notification: @autoclosure () -> RunNotification) async {
        guard !targets.urls.isEmpty, sent.withLock({ done in defer { done = true }; return !done }) else { return }
        let body = notification().json.compactBytes
        let transport = AsyncHTTPTransport(connectTimeout: Self.connectTimeout)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: budget)
        await withTaskGroup(of: Void.self) { group in
            for url in targets.urls {
                group.addTask { await self.post(body, to: url, transport: transport, deadline: deadline, clock: clock) }
            }
        }
        await transport.shutdown()
    }

    private func post(_ body: [UInt8], to url: URL, transport: AsyncHTTPTransport, deadline: ContinuousClock.Instant, clock: ContinuousClock) async {
        guard let head = Self.request(url) else { return }
        var lastProblem = "not tried"
        for attempt in 1...tries {
            // Each try takes at most a third of the budget, connecting included, and never runs past its end.
            let slot = min(clock.now.duration(to: deadline), budget / tries)
            guard slot > Self.connectTimeout + .milliseconds(200) else { break }
            do {
                let reply = try await transport.send(TransportRequest(head, body: body), readTimeout: slot - Self.connectTimeout)
                let status = reply.response.status.code
                if (200..<300).contains(status) { return }
                lastProblem = "HTTP \(status)"
                // A refusal that a retry cannot change (400, 401, 403, 404) is not retried.
                if (400..<500).contains(status), status != 408, status != 429 { break }
            } catch {
                lastProblem = Self.describe(error)
            }
            if attempt < tries {
                let pause = min(Duration.milliseconds(500 * attempt), clock.now.duration(to: deadline))
                if pause > .zero { try? await clock.sleep(for: pause) }
            }
        }
        console.err("warning: the notification to \(Self.shown(url)) was not delivered (\(lastProblem)); the run's result is unchanged")
    }

    /// A try's connect timeout (its deadline is this plus its read timeout).
    static let connectTimeout: Duration = .seconds(2)

    static func request(_ url: URL) -> HTTPRequest? {
        guard let scheme = url.scheme, let host = url.host, let parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        let authority = (host.contains(":") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
        var path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        if let query = parts.percentEncodedQuery { path += "?" + query }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.userAgent] = "shotrunner/\(Version.current)"
        return HTTPRequest(method: .post, scheme: scheme, authority: authority, path: path, headerFields: fields)
    }

    /// Scheme and host only: a webhook's path or query holds its secret (Slack, Discord).
    static func shown(_ url: URL) -> String {
        "\(url.scheme ?? "")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")/..."
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? TransportFailure {
        case .notSent(let reason)?: "cannot connect: \(reason)"
        case .noAnswer(_, let timedOut)?: timedOut ? "no answer in time" : "the connection dropped"
        case .tooLarge?: "the answer was too large"
        case .redirectRefused(let reason)?: reason
        case nil: "\(error)"
        }
    }
}
