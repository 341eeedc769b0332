import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("shotrunner report", .serialized)
struct ReportCommandTests {
    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("shards merge into one report; JSON counts, request_counts and totals add up; JUnit marks failures and unknowns")
    func mergedShards() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-report-\(UUID().uuidString)")
        let manifest = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
        let simulator = try await SimulatorProcess(["--clock-scale", "0.0001", "--seed", "11", "--fault-failed", "0.3", "--fault-500-after-accept", "0.2"])
        for index in 1...2 {
            let run = try await CLIProcess.run(
                ["run", manifest, "--base-url", simulator.baseURL, "--shard", "\(index)/2", "--out", folder.appendingPathComponent("s\(index)").path,
                 "--yes", "--poll-min", "10ms"],
                environment: ["RUNCOMFY_API_TOKEN": "t"]
            )
            #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        }
        let dirs = [folder.appendingPathComponent("s1").path, folder.appendingPathComponent("s2").path]
        let junitPath = folder.appendingPathComponent("junit.xml").path
        let json = try await CLIProcess.run(["report"] + dirs + ["--json", "--junit", junitPath])
        let report = try object(json.stdout)
        let jobs = try #require(report["jobs"] as? [[String: Any]])
        #expect(jobs.count == 13 && Set(jobs.compactMap { $0["id"] as? String }).count == 13)
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts.values.reduce(0, +) == 13)
        let failed = counts["failed", default: 0]
        let unknown = counts["unknown_outcome", default: 0]
        #expect(failed + unknown > 0)
        let requestCounts = try #require(report["request_counts"] as? [String: Int])
        #expect(requestCounts["total"] == 13 && requestCounts["completed"] == counts["completed", default: 0])
        #expect(requestCounts["failed"] == failed + unknown)
        #expect(json.status == 1)

        let xml = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(xml.contains("tests=\"13\" failures=\"\(failed)\" errors=\"\(unknown)\""))
        #expect(XMLParser(data: Data(xml.utf8)).parse())
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 13)

        let table = try await CLIProcess.run(["report"] + dirs)
        #expect(table.stdout.contains("13 jobs:"))
        // The reasons: a line for every failed and unknown job (there is at least one, checked above).
        let troubled = jobs.filter { ["failed", "unknown_outcome"].contains($0["state"] as? String ?? "") }
        try #require(!troubled.isEmpty && troubled.count == failed + unknown, "\(troubled.count) failed or unknown jobs, counts say \(failed + unknown)")
        for job in troubled {
            let id = try #require(job["id"] as? String)
            let state = try #require(job["state"] as? String)
            #expect(table.stdout.contains("\n\(id): \(state)"), "no reason line for \(id) (\(state))")
        }
        let missing = try await CLIProcess.run(["report", "/nonexistent/folder"])
        #expect(missing.status == 2)
    }

    @Test("the merged report of N shard folders lists the same jobs, states and files as one unsharded run", arguments: [2, 3, 5])
    func shardsMatchUnsharded(count: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-shards-\(UUID().uuidString)")
        let manifest = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
        let whole = folder.appendingPathComponent("whole").path
        #expect(try await CLIProcess.run(["run", manifest, "--simulate", "--out", whole]).status == 0)
        var dirs: [String] = []
        for index in 1...count {
            let out = folder.appendingPathComponent("shard-\(index)").path
            #expect(try await CLIProcess.run(["run", manifest, "--simulate", "--shard", "\(index)/\(count)", "--out", out]).status == 0)
            dirs.append(out)
        }
        func rows(_ folders: [String]) async throws -> [String] {
            let report = try object(try await CLIProcess.run(["report"] + folders + ["--json"]).stdout)
            let jobs = try #require(report["jobs"] as? [[String: Any]])
            return jobs.map { "\($0["id"] as? String ?? "") \($0["state"] as? String ?? "") \($0["file"] as? String ?? "")" }.sorted()
        }
        let unsharded = try await rows([whole])
        #expect(unsharded.count == 13)
        #expect(try await rows(dirs) == unsharded)
    }
}
