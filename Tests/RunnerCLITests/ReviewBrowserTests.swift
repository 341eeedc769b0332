import ChildProcessSupport
import Foundation
import Testing

/// The review room in a real browser (Debian's chromium, driven by chromium-driver through Selenium 4.51.0, both
/// installed by `make test`): the demo storyboard's page, live while a run renders into its folder, the keys, the
/// cut, and what the page must refuse.
@Suite("review room in a headless browser", .serialized)
struct ReviewBrowserTests {
    /// `shotrunner review` running as its own process; its first line is the URL.
    final class ReviewProcess {
        let process = Process()
        let url: String

        init(_ folders: [String]) async throws {
            process.executableURL = CLIProcess.binary
            process.arguments = ["review"] + folders + ["--port", "0"]
            process.environment = ChildProcess.environment()
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            url = await ChildProcess.firstLine(of: out.fileHandleForReading)
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    private func curl(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"] + arguments).stdout
    }

    @Test("the demo's shots in the page, live as a run renders; keys pick, play and approve; the cut from the pick; nothing unsafe served")
    func reviewRoom() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "chromium-driver is missing: `make test` installs it")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-review-room-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let examples = CLIProcess.packageRoot.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: examples.appendingPathComponent("frames"), to: folder.appendingPathComponent("frames"))
        // The demo storyboard, one prompt holding markup that must stay text.
        let radio = "The radio on the keeper's desk crackles; the green dial flickers with static."
        var text = try String(contentsOf: examples.appendingPathComponent("storyboard.yaml"), encoding: .utf8)
        #expect(text.contains(radio))
        text = text.replacingOccurrences(of: radio, with: "\"The radio crackles <script>window.pwned = 1</script> <b>static</b>.\"")
        let manifest = folder.appendingPathComponent("storyboard.yaml")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out").path
        let simulator = try await SimulatorProcess(["--clock-scale", "0.02", "--seed", "11"])
        let run = ["run", manifest.path, "--base-url", simulator.baseURL, "--out", out, "--yes", "--poll-min", "10ms", "--progress", "plain"]
        // A first run renders one scene; the page opens on it, and a second run renders the rest while it is open.
        let first = try await CLIProcess.run(run + ["--only", "dusk/*"], environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(first.status == 0, "\(first.stderr)")
        let review = try await ReviewProcess([out])
        #expect(review.url.hasPrefix("http://127.0.0.1:"), "\(review.url)")

        let screenshot = folder.appendingPathComponent("review.png").path
        let config = folder.appendingPathComponent("browser.json")
        let settings: [String: Any] = [
            "url": review.url, "shots": 12, "jobs": 13, "run": [CLIProcess.binary.path] + run,
            "pick_shot": "dusk/window", "approve_job": "title", "script_job": "storm/radio", "retake_shot": "dawn/finale",
            "screenshot": screenshot,
        ]
        try JSONSerialization.data(withJSONObject: settings).write(to: config)
        let browser = try await ChildProcess.run(
            "/usr/bin/env", ["python3", CLIProcess.packageRoot.appendingPathComponent("Tools/testing/review_browser.py").path, config.path],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any], "\(browser.stdout) \(browser.stderr)")
        #expect(seen["error"] == nil, "\(seen["error"] ?? "")")
        // Opened on the first run's folder: every shot listed, only that scene's four takes rendered.
        #expect(seen["shots_at_open"] as? Int == 12 && seen["completed_at_open"] as? Int == 4, "\(seen)")
        #expect(seen["shots"] as? Int == 12 && seen["jobs"] as? Int == 13)
        #expect(seen["never_reloaded"] as? Bool == true)
        #expect(seen["run_status"] as? Int == 0)
        #expect(seen["current_shot"] as? String == "dusk/window")
        #expect(seen["picked_badge"] as? String == "dusk/window~2")
        #expect((seen["played"] as? Double ?? 0) > 0)
        #expect(seen["help_shown"] as? Bool == true)
        #expect(seen["retake_badge"] as? String == "retake ~2: closer on the dial")
        #expect((seen["script_text"] as? String ?? "").contains("<script>window.pwned = 1</script> <b>static</b>"))
        #expect(seen["script_ran"] as? Bool == false)
        #expect((seen["cut_seconds"] as? Double ?? 0) > 60)
        #expect(Set(seen["cut_files"] as? [String] ?? []) == ["cut.otio", "cut.edl", "cut-fcp7.xml", "cut.fcpxml"])
        #expect(FileManager.default.fileExists(atPath: screenshot))

        // The decisions are the folder's: status shows them, the cut used the pick.
        let status = try await CLIProcess.run(["status", out, "--json"])
        let jobs = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(jobs.filter { $0["picked"] as? Bool == true }.compactMap { $0["id"] as? String } == ["dusk/window~2"])
        #expect(jobs.filter { $0["approved"] as? Bool == true }.compactMap { $0["id"] as? String } == ["title"])
        #expect(jobs.allSatisfy { $0["state"] as? String == "completed" })
        #expect(FileManager.default.fileExists(atPath: out + "/animatic.mp4"))
        let report = try await CLIProcess.run(["report", out, "--json"])
        let entries = try #require((try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(entries.filter { $0["in_cut"] as? Bool == true }.compactMap { $0["id"] as? String }.contains("dusk/window~2"))

        // The retake asked for in the page: `plan` shows it with its cost, the next run renders it.
        let plan = try await CLIProcess.run(["plan", manifest.path, "--out", out])
        #expect(plan.stdout.contains("dawn/finale~2") && plan.stderr.contains("retakes asked for"), "\(plan.stdout) \(plan.stderr)")
        let third = try await CLIProcess.run(run, environment: ["RUNCOMFY_API_TOKEN": "t"])
        #expect(third.status == 0, "\(third.stderr)")
        let retaken = try await CLIProcess.run(["status", out, "--json"])
        let retakenJobs = try #require((try JSONSerialization.jsonObject(with: Data(retaken.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        let finale = try #require(retakenJobs.first { $0["id"] as? String == "dawn/finale~2" })
        #expect(finale["state"] as? String == "completed")
        #expect((finale["retake"] as? [String: Any])?["note"] as? String == "closer on the dial")

        // What the room refuses: another Host, a path, a foreign origin, a POST without the page's token, bad JSON.
        let url = review.url
        let port = url.split(separator: ":").last.map { $0.filter(\.isNumber) } ?? ""
        let page = try await ChildProcess.run("/usr/bin/env", ["curl", "-s", url]).stdout
        let token = page.components(separatedBy: "name=\"review-token\" content=\"").dropFirst().first?.prefix(32).description ?? ""
        #expect(token.count == 32)
        #expect(try await curl(["-H", "Host: rebind.example:\(port)", url]) == "421")
        #expect(try await curl(["\(url)media?f=0&job=..%2F..%2F..%2Fetc%2Fpasswd&n=1"]) == "404")
        #expect(try await curl(["--path-as-is", "\(url)../../etc/passwd"]) == "404")
        #expect(try await curl(["\(url)media?f=9&job=title&n=1"]) == "404")
        let decide = "\(url)api/decide"
        let body = #"{"action":"unpick","job":"dusk/window"}"#
        #expect(try await curl(["-X", "POST", "-H", "Origin: http://evil.example", "-H", "X-Review-Token: \(token)", "-d", body, decide]) == "403")
        #expect(try await curl(["-X", "POST", "-H", "Origin: http://127.0.0.1:\(port)", "-d", body, decide]) == "403")
        #expect(try await curl(["-X", "POST", "-H", "Origin: http://127.0.0.1:\(port)", "-H", "X-Review-Token: \(token)", "-d", "{not json", decide]) == "400")
        #expect(try await curl(["-X", "DELETE", decide]) == "403")
        // Still picked: none of the refused requests changed anything.
        let after = try await CLIProcess.run(["status", out, "--json"])
        #expect(after.stdout.contains("\"picked\""))
        let jobsAfter = try #require((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(jobsAfter.filter { $0["picked"] as? Bool == true }.compactMap { $0["id"] as? String } == ["dusk/window~2"])
    }
}
