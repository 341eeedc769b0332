import APISimulator
import ArgumentParser
import Foundation
import JSON

/// `shotrunner simulate`: a local stand-in for the RunComfy Model API.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve a local simulation of the RunComfy Model API.",
        discussion: """
            Prints 'listening on http://HOST:PORT' as its first line, then serves the API's endpoints (submit, \
            status, result, cancel, model info, the catalogue at GET /v1/models), the output files (a small real \
            MP4, PNG or WAV, as the model renders), and counters at GET /_sim/stats, until interrupted. It serves \
            the shipped catalogue snapshot, or --catalog FILE, and the seed model always. Jobs go in_queue, in_progress, completed over a simulated render \
            time; --clock-scale makes simulated seconds pass faster. Faults are drawn from --seed, each with its \
            own probability. See docs/simulator.md.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "Seed for every random choice (render times, faults).")
    var seed: UInt64 = 1

    @Option(help: "Accept only this bearer token (default: any non-empty token).")
    var token: String?

    @Option(name: .customLong("clock-scale"), help: "Real seconds per simulated second (0.001: a 60 s render takes 60 ms).")
    var clockScale = 1.0

    @Option(name: .customLong("clip-bytes"), help: "Size of every output video in bytes (the sample clip padded; default: 4840).")
    var clipBytes: Int?

    @Flag(name: .customLong("timed-clips"), help: "With ffmpeg on PATH, answer a job whose start frame is a data URI with a clip of its duration made from its frames (as run --simulate does).")
    var timedClips = false

    @Option(name: .customLong("url-lifetime"), help: "Seconds (simulated) an output URL works; each result call hands out a fresh one (default: for ever).")
    var urlLifetime: Double?

    @Option(name: .customLong("render-seconds"), help: "Simulated render time range, MIN-MAX seconds.")
    var renderSeconds = "30-90"

    @Option(name: .customLong("queue-seconds"), help: "Simulated queueing time range, MIN-MAX seconds.")
    var queueSeconds = "0-5"

    @Option(name: .customLong("concurrency-limit"), help: "Jobs the account may have queued or running; past it, submits get 429.")
    var concurrencyLimit: Int?

    @Option(help: "Submits the account can pay for; past them, 400002.")
    var balance: Int?

    @Option(name: .customLong("price"), help: "USD per second of video (the seed's price, and that of per-second models the catalogue gives none).")
    var pricePerSecond = 0.112

    @Option(help: ArgumentHelp("Serve this saved catalogue response (an object with the entries under \"models\", or a bare array) instead of the shipped snapshot.", valueName: "file"))
    var catalog: String?

    @Option(name: .customLong("page-size"), help: "Models per page of GET /v1/models.")
    var pageSize = 50

    @Option(name: .customLong("fault-429"), help: "Probability of a 429 with Retry-After (submits and polls).")
    var rateLimited = 0.0
    @Option(name: .customLong("fault-503"), help: "Probability of a 503 before a submit is accepted.")
    var unavailable = 0.0
    @Option(name: .customLong("fault-500-after-accept"), help: "Probability of a 500 after a submit was accepted and billed.")
    var errorAfterAccept = 0.0
    @Option(name: .customLong("fault-lost-response"), help: "Probability that an accepted submit's answer is lost (connection closed).")
    var lostResponse = 0.0
    @Option(name: .customLong("fault-slow"), help: "Probability of an answer delayed by --slow-delay.")
    var slow = 0.0
    @Option(name: .customLong("slow-delay"), help: "Delay of a slow answer, in real seconds.")
    var slowDelay = 2.0
    @Option(name: .customLong("fault-poll-5xx"), help: "Probability of a 500/502 on a status or result call.")
    var pollServerError = 0.0
    @Option(name: .customLong("fault-failed"), help: "Probability that an accepted job ends failed.")
    var jobFailure = 0.0
    @Option(name: .customLong("fail-prompt"), help: ArgumentHelp("Accepted jobs whose prompt contains this text end failed.", valueName: "text"))
    var failPrompt: String?
    @Option(name: .customLong("fault-unknown-status"), help: "Probability of an unknown status value while a job renders.")
    var unknownStatus = 0.0
    @Option(name: .customLong("fault-200-error"), help: "Probability of an HTTP 200 carrying an error_code on a poll.")
    var okWithErrorCode = 0.0
    @Option(name: .customLong("fault-expire"), help: "Probability that a job's request id expires (404) once rendered.")
    var expiry = 0.0
    @Option(name: .customLong("fault-download"), help: "Probability of a 500 on an output download.")
    var downloadError = 0.0
    @Option(name: .customLong("fault-model-info"), help: "Probability of a 500 on a model-info (price) call.")
    var modelInfoError = 0.0

    @Option(name: .customLong("fault-page-loop"), help: "Probability that the catalogue's last page points back at the first (a page loop).")
    var pageLoop = 0.0

    @Option(name: .customLong("model-info-delay"), help: "Real seconds every model-info (price) call waits before answering.")
    var modelInfoDelay = 0.0

    func validate() throws {
        _ = try Self.range(renderSeconds, "--render-seconds")
        _ = try Self.range(queueSeconds, "--queue-seconds")
        if !(0...60).contains(modelInfoDelay) { throw ValidationError("--model-info-delay takes seconds from 0 to 60.") }
        if let clipBytes, !(0...(1 << 30)).contains(clipBytes) { throw ValidationError("--clip-bytes must be between 0 and 1073741824.") }
        guard clockScale > 0 else { throw ValidationError("--clock-scale must be positive.") }
        guard pageSize > 0 else { throw ValidationError("--page-size must be at least 1.") }
        for (name, value) in [("--fault-429", rateLimited), ("--fault-503", unavailable), ("--fault-500-after-accept", errorAfterAccept),
            ("--fault-lost-response", lostResponse), ("--fault-slow", slow), ("--fault-poll-5xx", pollServerError),
            ("--fault-failed", jobFailure), ("--fault-unknown-status", unknownStatus), ("--fault-200-error", okWithErrorCode),
            ("--fault-expire", expiry), ("--fault-download", downloadError), ("--fault-model-info", modelInfoError),
            ("--fault-page-loop", pageLoop)] where !(0...1).contains(value) {
            throw ValidationError("\(name) is a probability: give a number from 0 to 1.")
        }
    }

    static func range(_ text: String, _ name: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: "-").compactMap { Double($0) }
        guard parts.count == 2, parts[0] >= 0, parts[0] <= parts[1] else {
            throw ValidationError("\(name) takes MIN-MAX seconds, like 30-90.")
        }
        return parts[0]...parts[1]
    }

    var options: SimulatorOptions {
        var options = SimulatorOptions()
        options.host = host
        options.port = port
        options.seed = seed
        options.token = token
        options.clockScale = clockScale
        options.clipBytes = clipBytes
        options.timedClips = timedClips
        options.urlLifetime = urlLifetime
        options.renderSeconds = (try? Self.range(renderSeconds, "")) ?? 30...90
        options.queueSeconds = (try? Self.range(queueSeconds, "")) ?? 0...5
        options.concurrencyLimit = concurrencyLimit
        options.balance = balance
        options.pricePerSecond = pricePerSecond
        options.pageSize = pageSize
        options.faults.rateLimited = rateLimited
        options.faults.unavailableBeforeAccept = unavailable
        options.faults.errorAfterAccept = errorAfterAccept
        options.faults.lostResponse = lostResponse
        options.faults.slowResponse = slow
        options.faults.slowDelay = slowDelay
        options.faults.pollServerError = pollServerError
        options.faults.jobFailure = jobFailure
        options.faults.failPrompt = failPrompt
        options.faults.unknownStatus = unknownStatus
        options.faults.okWithErrorCode = okWithErrorCode
        options.faults.expiry = expiry
        options.faults.downloadError = downloadError
        options.faults.modelInfoError = modelInfoError
        options.faults.modelInfoDelay = modelInfoDelay
        options.faults.pageLoop = pageLoop
        return options
    }

    /// The entries of the `--catalog` file.
    static func entries(_ path: String) throws -> [JSONValue] {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIError.usage("cannot read the catalogue \(path)") }
        do {
            return try SimulatorCatalog.entries(inText: Array(bytes))
        } catch {
            throw CLIError.usage("the catalogue \(path): \(error)")
        }
    }

    func run() async throws {
        var options = self.options
        if let catalog { options.catalog = try Self.entries(catalog) }
        let simulator: RunningSimulator
        do {
            simulator = try await SimulatorServer.start(options)
        } catch {
            throw CLIError.setup("cannot start the simulator: \(error)")
        }
        Console().out("listening on \(simulator.baseURL)")
        try await simulator.wait()
    }
}
