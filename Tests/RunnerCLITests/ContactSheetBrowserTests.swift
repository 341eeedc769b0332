import Foundation
import ChildProcessSupport
import RunnerTestSupport
import Testing

/// `report --html` opened in a real headless browser (Debian's chromium, installed by `make test`): the test
/// loads the page, asserts on the rendered DOM (a card per job, a playable video per completed job, the reason on
/// a failed one) and saves a screenshot.
@Suite("Contact sheet in a headless browser", .serialized)
struct ContactSheetBrowserTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("every job has a card, every completed job a playable video, every failed one its reason")
    func renderedPage() async throws {
        let browser = try #require(Self.chromium, "chromium is missing: `make test` installs it")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-sheet-\(UUID().uuidString)")
        let manifest = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--seed", "4", "--fault-failed", "0.3"])
        let out = folder.appendingPathComponent("run").path
        let run = try await CLIProcess.run(
            ["run", manifest, "--base-url", simulator.baseURL, "--out", out, "--yes", "--poll-min", "10ms"],
            environment: ["RUNCOMFY_API_TOKEN": "t"]
        )
        #expect(run.status == 0 || run.status == 1)
        let pages = folder.appendingPathComponent("pages")
        let sheet = pages.appendingPathComponent("sheet.html")
        let report = try await CLIProcess.run(["report", out, "--html", sheet.path, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let counts = try #require(document["counts"] as? [String: Int])
        let completed = counts["completed", default: 0]
        let failed = counts["failed", default: 0]
        #expect(failed > 0 && completed > 0)

        // A probe page beside the sheet reads the rendered DOM and each video's metadata.
        let probe = pages.appendingPathComponent("probe.html")
        try Data("""
            <html><body><iframe id="f" src="sheet.html" width="1200" height="800"></iframe><pre id="out">pending</pre><script>
            const frame = document.getElementById('f');
            frame.onload = async () => {
              const page = frame.contentDocument;
              const cards = [...page.querySelectorAll('.card')].map(c => ({job: c.dataset.job, state: c.dataset.state,
                video: !!c.querySelector('video'), reason: (c.querySelector('.reason') || {}).textContent || ''}));
              const durations = await Promise.all([...page.querySelectorAll('video')].map(v => new Promise(done => {
                if (v.readyState >= 1) return done(v.duration);
                v.addEventListener('loadedmetadata', () => done(v.duration));
                v.addEventListener('error', () => done(-1));
                v.load();
              })));
              document.getElementById('out').textContent = JSON.stringify({cards, durations});
            };
            </script></body></html>
            """.utf8).write(to: probe)
        let dump = try await ChildProcess.run(browser, [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--autoplay-policy=no-user-gesture-required",
            "--virtual-time-budget=20000", "--dump-dom", probe.absoluteString,
        ])
        let text = dump.stdout
        let start = try #require(text.range(of: "<pre id=\"out\">"))
        let end = try #require(text.range(of: "</pre>", range: start.upperBound..<text.endIndex))
        let json = String(text[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "probe said: \(json.prefix(200))")
        let cards = try #require(result["cards"] as? [[String: Any]])
        let durations = try #require(result["durations"] as? [Double])
        #expect(cards.count == 13)
        #expect(cards.filter { $0["state"] as? String == "completed" && $0["video"] as? Bool == true }.count == completed)
        #expect(durations.count == completed && durations.allSatisfy { $0 > 1.5 && $0 < 2.5 })
        for card in cards where card["state"] as? String == "failed" {
            #expect((card["reason"] as? String)?.contains("failed") == true)
        }
        // The cards come in storyboard order.
        #expect(cards.first?["job"] as? String == "title")

        let screenshot = folder.appendingPathComponent("sheet.png")
        _ = try await ChildProcess.run(browser, [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--window-size=1280,1600",
            "--virtual-time-budget=5000", "--screenshot=\(screenshot.path)", sheet.absoluteString,
        ])
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000)
        Attachment.record(try Data(contentsOf: screenshot), named: "contact-sheet.png")
    }
}
