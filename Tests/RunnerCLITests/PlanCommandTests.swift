import Foundation
import Testing

@Suite("shotrunner plan")
struct PlanCommandTests {
    private func json(_ arguments: [String], environment: [String: String] = [:]) async throws -> [String: Any] {
        let result = try await CLIProcess.run(arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("--json has exactly the design's shape, costs from the built-in estimate")
    func jsonShape() async throws {
        let path = CLIProcess.fixture("valid/03-scenes-takes-segments-anchors.yaml")
        let plan = try await json(["plan", path, "--json"])
        #expect(Set(plan.keys) == ["manifest", "jobs", "totals", "price", "prices"])
        let seed = "kling/kling-video-o3/pro/image-to-video"
        let prices = try #require(plan["prices"] as? [String: [String: Any]])
        #expect(Array(prices.keys) == [seed])
        #expect(prices[seed]?["base_price_usd"] as? Double == 0.112)
        #expect(prices[seed]?["price_unit"] as? String == "second")
        #expect(prices[seed]?["factor"] as? Double == 1.25)
        #expect(prices[seed]?["source"] as? String == "estimate")
        #expect(plan["manifest"] as? String == path)
        let price = try #require(plan["price"] as? [String: Any])
        #expect(price["per_second"] as? Double == 0.112)
        #expect(price["sound_factor"] as? Double == 1.25)
        #expect(price["source"] as? String == "estimate")
        let jobs = try #require(plan["jobs"] as? [[String: Any]])
        #expect(jobs.count == 12)
        var seconds = 0
        var cost = 0.0
        for job in jobs {
            #expect(Set(job.keys) == [
                "id", "key", "model", "price_unit", "outputs", "outputs_is_bound", "after", "duration", "duration_is_bound", "sound", "shot_type", "segments",
                "estimated_cost", "body",
            ])
            #expect(job["model"] as? String == seed)
            #expect(job["price_unit"] as? String == "second")
            #expect(job["outputs"] as? Int == 1)
            #expect((job["after"] as? [Any])?.isEmpty == true)
            #expect(job["duration_is_bound"] as? Bool == false)
            let duration = try #require(job["duration"] as? Int)
            let sound = try #require(job["sound"] as? Bool)
            let estimated = try #require(job["estimated_cost"] as? Double)
            #expect(abs(estimated - Double(duration) * 0.112 * (sound ? 1.25 : 1)) < 0.00005)
            #expect((job["key"] as? String)?.hasPrefix("v1:") == true)
            let body = try #require(job["body"] as? [String: Any])
            #expect(body["duration"] as? Int == duration)
            if let image = body["image"] as? String, !image.hasPrefix("https://") {
                #expect(image.hasPrefix("file:///"))
            }
            seconds += duration
            cost += estimated
        }
        let totals = try #require(plan["totals"] as? [String: Any])
        #expect(totals["jobs"] as? Int == 12)
        #expect(totals["seconds"] as? Int == seconds)
        #expect(abs((totals["estimated_cost"] as? Double ?? 0) - cost) < 0.001)
        #expect(totals["unknown_cost_jobs"] as? Int == 0)
    }

    @Test("the table lists each job and the totals, labelled as an estimate")
    func table() async throws {
        let result = try await CLIProcess.run(["plan", CLIProcess.fixture("valid/01-minimal.yaml")])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("JOB") == true)
        #expect(lines.contains { $0.hasPrefix("opening") && $0.hasSuffix("$0.5600") })
        #expect(result.stdout.contains("1 job, 5 s of video, estimated $0.5600 (built-in estimate"))
    }

    @Test("an invalid manifest: diagnostics and exit 2, nothing on stdout")
    func invalid() async throws {
        let result = try await CLIProcess.run(["plan", CLIProcess.fixture("invalid/16-duration-out-of-range.yaml"), "--json"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("out of range 3..15"))
    }

    @Test("--shard I/N splits the jobs into disjoint parts that cover the manifest; --shards reads JOB_COMPLETION_INDEX")
    func shards() async throws {
        let manifest = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
        var seen: [String] = []
        for index in 1...3 {
            let plan = try await json(["plan", manifest, "--json", "--shard", "\(index)/3"])
            let jobs = try #require(plan["jobs"] as? [[String: Any]])
            seen += jobs.compactMap { $0["id"] as? String }
        }
        #expect(seen.count == 13 && Set(seen).count == 13)
        let indexed = try await json(["plan", manifest, "--json", "--shards", "3"], environment: ["JOB_COMPLETION_INDEX": "1"])
        let second = try await json(["plan", manifest, "--json", "--shard", "2/3"])
        #expect((indexed["jobs"] as? [[String: Any]])?.count == (second["jobs"] as? [[String: Any]])?.count)
        #expect(try await CLIProcess.run(["plan", manifest, "--shards", "3"], environment: ["JOB_COMPLETION_INDEX": ""]).status == 2)
        #expect(try await CLIProcess.run(["plan", manifest, "--shard", "4/3"]).status == 2)
    }
}
