import Foundation
import JSON
import ResultsLedger

/// The one POST a run's end sends: `{"text","run_dir","manifest","exit_code","counts","spent_usd","failed",
/// "unknown"}`. `text` is a line a person reads in a chat channel, so a Slack, Discord or Mattermost incoming
/// webhook takes the body as it is; the rest is for scripts.
struct RunNotification: Sendable {
    var name: String
    var runDir: String?
    var manifest: String
    var exitCode: Int32
    var counts: [JobState: Int] = [:]
    var spentUSD: Double = 0
    var failed: [(id: String, code: String, message: String)] = []
    var unknown: [String] = []
    /// Why the run stopped early, when it did (a halt, a fatal answer, a usage error).
    var reason: String?

    /// From a run folder's fold, counted exactly as `status --json` counts it.
    init(name: String, manifest: String, exitCode: Int32, folder: String?, fold: LedgerFold?, spent: Double?, reason: String?) {
        self.name = name
        self.manifest = manifest
        self.exitCode = exitCode
        self.runDir = folder
        self.reason = reason
        guard let fold, let folder else { return }
        let summary = RunSummary(fold: fold, folder: folder)
        counts = summary.counts
        spentUSD = spent ?? fold.spent
        for record in summary.records {
            switch record.state {
            case .failed:
                failed.append((record.id, record.errorCode ?? "failed", record.errorMessage ?? ""))
            case .unknownOutcome, .submitting:
                // A submit with no answer on record (a run abandoned mid-submit): it may be rendering, paid for.
                unknown.append(record.id)
            default:
                break
            }
        }
    }

    /// The manifest's file name without its extension (`storyboard` for `shots/storyboard.yaml`).
    static func name(of manifest: String) -> String {
        let file = manifest.split(separator: "/").last.map(String.init) ?? manifest
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// "storyboard: 12 completed, 1 failed (dusk/lamp: content_moderation), $11.93 spent, exit 1".
    var text: String {
        var parts = JobState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
        if parts.isEmpty { parts = ["no jobs counted"] }
        if !failed.isEmpty {
            // The code, and the reason in a few words (a refusal's field and message), for a chat line.
            let named = failed.prefix(3).map { entry in
                let reason = entry.message.isEmpty || entry.message == entry.code ? "" : " " + String(entry.message.prefix(80)) + (entry.message.count > 80 ? "…" : "")
                return "\(entry.id): \(entry.code)\(reason)"
            }.joined(separator: ", ")
            parts.append("(\(named)\(failed.count > 3 ? ", and \(failed.count - 3) more" : ""))")
        }
        var line = "\(name): " + parts.joined(separator: ", ").replacingOccurrences(of: ", (", with: " (")
        line += ", $" + String(format2(spentUSD)) + " spent, exit \(exitCode)"
        if let reason { line += "; " + reason }
        return line
    }

    var json: JSONValue {
        .object([
            ("text", .string(text)),
            // Discord's incoming webhooks read `content` where Slack's and Mattermost's read `text`.
            ("content", .string(text)),
            ("run_dir", runDir.map(JSONValue.string) ?? .null),
            ("manifest", .string(manifest)),
            ("exit_code", .int(Int(exitCode))),
            ("counts", .object(JobState.allCases.compactMap { state in counts[state].map { (state.rawValue, .int($0)) } })),
            ("spent_usd", .number((spentUSD * 10_000).rounded() / 10_000)),
            ("failed", .array(failed.map { .object([("id", .string($0.id)), ("error", .object([("code", .string($0.code)), ("message", .string($0.message))]))]) })),
            ("unknown", .array(unknown.map(JSONValue.string))),
        ])
    }

    private func format2(_ value: Double) -> String {
        let cents = Int((value * 100).rounded())
        let tail = cents % 100
        return "\(cents / 100)." + (tail < 10 ? "0" : "") + "\(tail)"
    }
}
