import ChildProcessSupport
import Foundation
import Testing

/// `pick` and `assemble` on real clips (issue 19): clips of different sizes, frame rates, with and without audio,
/// made with ffmpeg here; two folders of a sharded batch merged in manifest order; a pick that changes the cut; a
/// shot without a clip that becomes a slate of its planned length.
@Suite("pick and assemble", .serialized)
struct CutTests {
    /// One clip of a solid colour, made with ffmpeg.
    private func clip(_ path: String, color: String, size: String, rate: Int, seconds: Double, audio: Bool) async throws {
        var arguments = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=\(color):s=\(size):r=\(rate):d=\(seconds)"]
        if audio { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:duration=\(seconds)"] }
        arguments += ["-c:v", "libx264", "-pix_fmt", "yuv420p"] + (audio ? ["-c:a", "aac", "-shortest"] : []) + [path]
        let made = try await ChildProcess.run("/usr/bin/ffmpeg", arguments)
        try #require(made.status == 0, "ffmpeg (make test installs it): \(made.stderr)")
    }

    private func line(_ event: String, _ job: String, _ fields: String) -> String {
        #"{"v":1,"t":"2026-12-02T00:00:00.000Z","event":"\#(event)","job":"\#(job)"\#(fields.isEmpty ? "" : "," + fields)}"#
    }

    /// A run folder whose ledger lists `jobs` (id, manifest index, seconds) and records `files` as downloaded.
    private func folder(_ path: String, jobs: [(String, Int, Int)], files: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let list = jobs.map { #"{"id":"\#($0.0)","index":\#($0.1),"key":"k-\#($0.0)","duration":\#($0.2),"sound":false,"estimated_cost":0.5}"# }
        var lines = [line("run_started", "", #""base_url":"http://127.0.0.1:1","manifest":"/nonexistent/story.yaml","manifest_sha256":"","jobs":[\#(list.joined(separator: ","))]"#)]
        for (job, file) in files.sorted(by: { $0.key < $1.key }) {
            lines.append(line("downloaded", job, #""key":"k-\#(job)","path":"\#(file)","bytes":1,"sha256":"x""#))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path + "/ledger.jsonl", atomically: true, encoding: .utf8)
    }

    /// The colour at `seconds` into a video, as one RGB pixel.
    private func color(at seconds: Double, in path: String) async throws -> [UInt8] {
        let out = path + ".px-\(seconds).rgb"
        let grab = try await ChildProcess.run("/usr/bin/ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-y", "-ss", String(seconds), "-i", path, "-frames:v", "1", "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", out,
        ])
        try #require(grab.status == 0, "\(grab.stderr)")
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    private func isNear(_ pixel: [UInt8], _ rgb: (Int, Int, Int)) -> Bool {
        pixel.count == 3 && abs(Int(pixel[0]) - rgb.0) < 40 && abs(Int(pixel[1]) - rgb.1) < 40 && abs(Int(pixel[2]) - rgb.2) < 40
    }

    @Test("two shards merge in manifest order; mixed clips normalised; a pick changes the cut; a slate keeps its length")
    func assembles() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-cut-\(UUID().uuidString)").path
        let first = root + "/shard-1-of-2"
        let second = root + "/shard-2-of-2"
        try FileManager.default.createDirectory(atPath: first + "/dusk", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        try await clip(first + "/opening.mp4", color: "red", size: "640x360", rate: 24, seconds: 3, audio: true)
        try await clip(second + "/wide.mp4", color: "lime", size: "320x240", rate: 30, seconds: 2, audio: false)
        try await clip(first + "/dusk/lamp~1.mp4", color: "yellow", size: "640x360", rate: 25, seconds: 6, audio: true)
        try await clip(first + "/dusk/lamp~2.mp4", color: "blue", size: "640x360", rate: 24, seconds: 4, audio: false)
        // Shard 1: opening (0), dusk/lamp's takes (2, 3, 4: take 3 never completed); shard 2: wide (1), the end (5, no clip).
        try folder(first, jobs: [("opening", 0, 3), ("dusk/lamp~1", 2, 4), ("dusk/lamp~2", 3, 4), ("dusk/lamp~3", 4, 4)], files: [
            "opening": "opening.mp4", "dusk/lamp~1": "dusk/lamp~1.mp4", "dusk/lamp~2": "dusk/lamp~2.mp4",
        ])
        try folder(second, jobs: [("wide", 1, 2), ("end", 5, 2)], files: ["wide": "wide.mp4"])

        // Without a pick, the lowest completed take (lamp~1, yellow).
        let out = root + "/cut.mp4"
        let plain = try await CLIProcess.run(["assemble", first, second, "--out", out])
        #expect(plain.status == 1, "a slate was used: \(plain.stderr)")
        #expect(plain.stderr.contains("end"), "\(plain.stderr)")
        #expect(isNear(try await color(at: 6.5, in: out), (255, 255, 0)), "lamp~1 without a pick")

        // Pick errors, then the pick.
        let unknown = try await CLIProcess.run(["pick", first, "dusk/lamp~7"])
        #expect(unknown.status == 2)
        let typo = try await CLIProcess.run(["pick", first, "dusk/lmp~2"])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'dusk/lamp~2'"), "\(typo.stderr)")
        // A shot rendered once is its own single take: it can be picked too (the cut uses it either way).
        let single = try await CLIProcess.run(["pick", first, "opening"])
        #expect(single.status == 0 && single.stdout.contains("opening: picked opening"), "\(single.stderr)")
        let unfinished = try await CLIProcess.run(["pick", first, "dusk/lamp~3"])
        #expect(unfinished.status == 2 && unfinished.stderr.contains("not completed"), "\(unfinished.stderr)")
        let picked = try await CLIProcess.run(["pick", first, "dusk/lamp~2"])
        #expect(picked.status == 0, "\(picked.stderr)")
        let status = try await CLIProcess.run(["status", first, "--json"])
        let jobs = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(jobs.filter { $0["picked"] as? Bool == true }.compactMap { $0["id"] as? String } == ["opening", "dusk/lamp~2"])
        let report = try await CLIProcess.run(["report", first, second, "--json"])
        let entries = try #require((try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(Set(entries.filter { $0["in_cut"] as? Bool == true }.compactMap { $0["id"] as? String }) == ["opening", "wide", "dusk/lamp~2"])

        let cut = try await CLIProcess.run([
            "assemble", first, second, "--out", out, "--otio", root + "/cut.otio", "--edl", root + "/cut.edl", "--fcp7", root + "/cut.xml",
            "--fcpxml", root + "/cut.fcpxml",
        ])
        #expect(cut.status == 1, "\(cut.stderr)")
        // The timelines, read back by OpenTimelineIO's own adapters: the same shots, in order, at the cut's 24 fps.
        for (adapter, file) in [("otio_json", "cut.otio"), ("cmx_3600", "cut.edl"), ("fcp_xml", "cut.xml"), ("fcpx_xml", "cut.fcpxml")] {
            let read = try await ChildProcess.run("/usr/bin/env", [
                "python3", CLIProcess.packageRoot.appendingPathComponent("Tools/testing/read_timeline.py").path, adapter, root + "/" + file, "24",
            ])
            try #require(read.status == 0, "\(adapter): \(read.stderr)")
            let timeline = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
            let video = try #require(timeline["video"] as? [[String: Any]])
            let clips = video.filter { $0["kind"] as? String == "clip" }
            #expect(clips.compactMap { $0["name"] as? String } == ["opening", "wide", "dusk/lamp~2"], "\(adapter): \(video)")
            #expect(clips.compactMap { ($0["frames"] as? Double).map { Int($0.rounded()) } } == [72, 48, 96], "\(adapter): \(video)")
            #expect(clips.last?["target_url"] as? String == "file://" + first + "/dusk/lamp~2.mp4", "\(adapter)")
        }
        let probe = try await ChildProcess.run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,r_frame_rate,width,height:format=duration", "-of", "json", out])
        let info = try #require(try JSONSerialization.jsonObject(with: Data(probe.stdout.utf8)) as? [String: Any])
        let streams = try #require(info["streams"] as? [[String: Any]])
        #expect(streams.filter { $0["codec_type"] as? String == "video" }.count == 1)
        #expect(streams.filter { $0["codec_type"] as? String == "audio" }.count == 1)
        let video = try #require(streams.first { $0["codec_type"] as? String == "video" })
        // The most common size (640x360) and frame rate (24: two of the four clips) among the clips.
        #expect(video["width"] as? Int == 640 && video["height"] as? Int == 360)
        #expect(video["r_frame_rate"] as? String == "24/1")
        let duration = try #require(Double(((info["format"] as? [String: Any])?["duration"] as? String) ?? ""))
        // 3 + 2 + 4 + 2 planned seconds, within a frame per clip.
        #expect(abs(duration - 11) <= 4.0 / 24 + 0.05, "duration \(duration)")
        // Manifest order across the shards: opening (red), wide (green), dusk/lamp~2 (blue, the pick), the end (black).
        #expect(isNear(try await color(at: 1.5, in: out), (255, 0, 0)))
        #expect(isNear(try await color(at: 4.0, in: out), (0, 255, 0)))
        #expect(isNear(try await color(at: 7.0, in: out), (0, 0, 255)))
        #expect(isNear(try await color(at: 10.0, in: out), (0, 0, 0)))

        let cleared = try await CLIProcess.run(["pick", first, "dusk/lamp", "--clear"])
        #expect(cleared.status == 0 && cleared.stdout.contains("cleared"), "\(cleared.stderr)")
    }
}

extension CutTests {
    @Test("run --simulate makes each clip from the shot's own frames at its length; the demo's animatic is the storyboard's 88 s")
    func timedSimulation() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-timed-\(UUID().uuidString)").path
        let storyboard = CLIProcess.packageRoot.appendingPathComponent("manifests/storyboard.yaml").path
        let run = try await CLIProcess.run(["run", storyboard, "--simulate", "--out", out, "--progress", "plain"])
        #expect(run.status == 0, "\(run.stderr)")
        func seconds(_ file: String) async throws -> Double {
            let probe = try await ChildProcess.run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", out + "/" + file])
            return try #require(Double(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(file): \(probe.stderr)")
        }
        // arrival: 7 s, dusk/lamp: 4 + 5 s of segments, storm/radio: 3 s (the sample clip is 2 s).
        #expect(abs(try await seconds("arrival.mp4") - 7) < 0.1)
        #expect(abs(try await seconds("dusk/lamp.mp4") - 9) < 0.1)
        #expect(abs(try await seconds("storm/radio.mp4") - 3) < 0.1)
        let assemble = try await CLIProcess.run(["assemble", out])
        #expect(assemble.status == 0, "\(assemble.stderr)")
        #expect(assemble.stdout.contains("12 shots"), "\(assemble.stdout)")
        #expect(abs(try await seconds("animatic.mp4") - 88) < 12.0 / 12, "one take per shot, each at its planned length")
    }
}
