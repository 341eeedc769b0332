import ArgumentParser
import Foundation
import JobManifest
import ResultsLedger
import Scheduling
import JSON
import Synchronization

/// How progress is shown: `line` (one live status line, for a terminal), `plain` (a line per state change),
/// `json` (an object per line on stdout).
enum ProgressMode: String, CaseIterable, ExpressibleByArgument {
    case auto, line, plain, json
}

/// Prints scheduler events as the chosen mode says, and keeps the counts for the live line.
final class ProgressPrinter: Sendable {
    private let mode: ProgressMode
    private let console: Console
    private let started = Date()
    private let total: Int
    /// What the live line shows, and when it was drawn: changed by events from any thread.
    private let live = Mutex(Live())

    private struct Live {
        var states: [String: JobState] = [:]
        /// Jobs per state, kept as states change (counting them afresh on every event was quadratic in the batch).
        var counts: [JobState: Int] = [:]
        /// When the live line was last drawn (monotonic nanoseconds): at most ten times a second. A change that
        /// comes sooner is drawn by a redraw set for when the tenth of a second is up.
        var drawnAt: UInt64 = 0
        var redrawSet = false
        var finished = false
        var spent = 0.0
        var spentThisRun = 0.0
        /// Why the API cannot be reached just now (nil while it answers).
        var unreachable: String?
    }

    init(mode: ProgressMode, console: Console, total: Int, isTerminal: Bool) {
        self.mode = mode == .auto ? (isTerminal ? .line : .plain) : mode
        self.console = console
        self.total = total
    }

    func handle(_ event: SchedulerEvent) {
        live.withLock { live in handle(event, &live) }
    }

    private func handle(_ event: SchedulerEvent, _ live: inout Live) {
        switch event {
        case .state(let job, let state, let detail):
            if let old = live.states.updateValue(state, forKey: job) { live.counts[old, default: 0] -= 1 }
            live.counts[state, default: 0] += 1
            switch mode {
            case .json:
                var fields: [(key: String, value: JSONValue)] = [("t", .string(Timestamp.now())), ("event", .string("state")), ("job", .string(job)), ("state", .string(state.rawValue))]
                if let detail { fields.append(("detail", .string(detail))) }
                console.out(JSONValue.object(fields).compact)
            case .plain:
                console.out("\(Self.clock()) \(job): \(state.rawValue)" + (detail.map { " (\($0))" } ?? ""))
            case .line, .auto:
                drawSoon(&live)
            }
        case .paused(let duration):
            if mode == .json {
                console.out(JSONValue.object([("t", .string(Timestamp.now())), ("event", .string("paused")), ("seconds", .number(Double(duration.components.seconds)))]).compact)
            } else if mode == .plain {
                console.out("\(Self.clock()) submits paused for \(duration.components.seconds) s (rate limited)")
            }
        case .spent(let amount, let thisRun):
            live.spent = amount
            live.spentThisRun = thisRun
            if mode == .line { drawSoon(&live) }
            if mode == .json {
                console.out(JSONValue.object([
                    ("t", .string(Timestamp.now())), ("event", .string("spent")), ("usd", .number(PriceList.rounded(amount))),
                    ("this_run_usd", .number(PriceList.rounded(thisRun))),
                ]).compact)
            }
        case .connectivity(let reachable, let detail):
            live.unreachable = reachable ? nil : (detail ?? "cannot connect")
            switch mode {
            case .json:
                var fields: [(key: String, value: JSONValue)] = [("t", .string(Timestamp.now())), ("event", .string(reachable ? "api_reachable" : "api_unreachable"))]
                if let detail { fields.append(("detail", .string(detail))) }
                console.out(JSONValue.object(fields).compact)
            case .plain:
                console.out("\(Self.clock()) " + (reachable ? "the API answers again" : "the API cannot be reached (\(detail ?? "cannot connect")); retrying"))
            case .line, .auto:
                drawSoon(&live)
            }
        case .submitsStopped(let reason):
            if mode == .json {
                console.out(JSONValue.object([("t", .string(Timestamp.now())), ("event", .string("submits_stopped")), ("reason", .string(reason))]).compact)
            } else {
                console.err("\n\(Self.clock()) new submits stopped: \(reason)")
            }
        }
    }

    /// Ends the live line (drawn once more, with the final counts).
    func finish() {
        live.withLock { live in
            guard mode == .line else { return }
            live.finished = true
            drawLine(live, now: Date())
            console.write("\n")
        }
    }

    /// Draws the live line now if it was last drawn a tenth of a second ago or more, else once that is up.
    private func drawSoon(_ live: inout Live) {
        let now = DispatchTime.now().uptimeNanoseconds
        let interval: UInt64 = 100_000_000
        if now >= live.drawnAt + interval {
            live.drawnAt = now
            drawLine(live, now: Date())
        } else if !live.redrawSet {
            live.redrawSet = true
            DispatchQueue.global().asyncAfter(deadline: DispatchTime(uptimeNanoseconds: live.drawnAt + interval)) { [self] in
                self.live.withLock { live in
                    live.redrawSet = false
                    guard !live.finished else { return }
                    live.drawnAt = DispatchTime.now().uptimeNanoseconds
                    drawLine(live, now: Date())
                }
            }
        }
    }

    private func drawLine(_ live: Live, now: Date) {
        let counts = live.counts
        let done = (counts[.completed] ?? 0) + (counts[.rendered] ?? 0)
        let minutes = max(now.timeIntervalSince(started) / 60, 1.0 / 60)
        let rate = Double(done) / minutes
        let parts = JobState.allCases.compactMap { state in counts[state].flatMap { $0 > 0 ? "\(state.rawValue) \($0)" : nil } }
        let eta = rate > 0 ? String(format: ", ETA %.1f min", Double(max(total - done, 0)) / rate) : ""
        let offline = live.unreachable == nil ? "" : " | API unreachable, retrying"
        console.write(
            "\r\u{1B}[2K\(done)/\(total) done, \(String(format: "%.1f", rate)) jobs/min\(eta), \(PlanReport.usd(live.spent)) spent (this run \(PlanReport.usd(live.spentThisRun))) | "
                + parts.joined(separator: ", ") + offline
        )
    }

    /// The local time as HH:mm:ss (a DateFormatter per line cost more CPU than the rest of a job's work).
    private static func clock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return two(parts.tm_hour) + ":" + two(parts.tm_min) + ":" + two(parts.tm_sec)
    }
}
