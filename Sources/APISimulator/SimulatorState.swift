import Crypto
import Foundation
import JSON
import MediaTools

/// The simulated service: accounts, jobs, faults and counters. An actor, so concurrent calls see one consistent
/// state; the HTTP layer only translates requests and replies.
actor SimulatorState {
    static let modelID = "kling/kling-video-o3/pro/image-to-video"

    let options: SimulatorOptions
    /// The catalogue served besides the seed model.
    let catalog: ServedCatalog
    var random: SeededRandom
    private let elapsed: @Sendable () -> Double
    private(set) var jobs: [String: SimulatedJob] = [:]
    private var order: [String] = []
    private var nextID = 1
    var baseURL = "http://127.0.0.1"

    // Counters.
    private var calls: [String: Int] = [:]
    private var acceptedByBody: [String: Int] = [:]
    /// Accepted submits' media sent inline, by the SHA-256 of the decoded bytes of each data URI (what arrived).
    private var acceptedMedia: [String: Int] = [:]
    private var submitsByModel: [String: Int] = [:]
    private var acceptedByModel: [String: Int] = [:]
    private var accepted = 0
    private var inFlight = 0
    private var maxInFlight = 0
    /// Under `concurrencyLimit`: the most jobs queued or running at once, and the submits refused for the limit.
    private var maxActive = 0
    private var refusedForConcurrency = 0

    /// - Parameter elapsed: real seconds since the simulator started (injected so tests can drive time).
    init(options: SimulatorOptions, elapsed: @escaping @Sendable () -> Double) {
        self.options = options
        self.catalog = ServedCatalog(entries: options.catalog, pageSize: options.pageSize, pricePerSecond: options.pricePerSecond)
        self.random = SeededRandom(seed: options.seed)
        self.elapsed = elapsed
    }

    /// Simulated seconds since start.
    var now: Double { elapsed() / max(options.clockScale, 1e-9) }

    func setBaseURL(_ url: String) {
        baseURL = url
    }

    func began(_ endpoint: String) {
        calls[endpoint, default: 0] += 1
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }

    func ended() {
        inFlight -= 1
    }

    /// Checks the bearer token: any non-empty one, or exactly the configured one.
    func authorized(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let token = header.dropFirst("Bearer ".count)
        guard !token.isEmpty else { return false }
        return options.token.map { $0 == token } ?? true
    }

    // MARK: - Endpoints

    func submit(modelID: String, body: [UInt8]) -> SimulatedReply {
        submitsByModel[modelID, default: 0] += 1
        let faults = options.faults
        if random.chance(faults.rateLimited) {
            return .error(429, code: 429001, "rate limited; retry in a moment", headers: [("Retry-After", "1")])
        }
        if random.chance(faults.unavailableBeforeAccept) {
            return .error(503, code: 503001, "service temporarily unavailable", headers: [("Retry-After", "1")])
        }
        // The seed model is checked by its own validator; every other by its catalogue schema.
        let schemaModel = modelID == Self.modelID ? nil : catalog.model(modelID)
        guard modelID == Self.modelID || schemaModel != nil else {
            return .error(400, code: 400001, "invalid model_id '\(modelID)'")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            return .error(422, code: 422001, "the body is not valid JSON")
        }
        var problems = schemaModel.map { SchemaCheck.problems(in: json, schema: $0.schema) } ?? InputValidator.problems(in: json)
        if problems.isEmpty, let count = schemaModel?.countProblem(json) { problems.append(count) }
        guard problems.isEmpty else {
            return .error(422, code: 422001, "validation error", detail: .array(problems.map(\.json)))
        }
        let current = now
        if let limit = options.concurrencyLimit {
            // Counted only under a limit: a count over every job at each submit is too slow for large batches.
            let active = jobs.values.filter({ $0.isActive(at: current) }).count
            guard active < limit else {
                refusedForConcurrency += 1
                return .error(429, code: 429002, "too many requests in progress for this account", headers: [("Retry-After", "1")])
            }
            maxActive = max(maxActive, active + 1)
        }
        if let balance = options.balance, accepted >= balance {
            return .error(400, code: 400002, "insufficient balance: no remaining balance")
        }
        // Accepted and billed from here on.
        let digest = Hex.lowercase(SHA256.hash(data: body))
        let id = "req_" + String(nextID, radix: 16) + "_" + String(random.next() & 0xFFFF_FFFF, radix: 36)
        nextID += 1
        let queue = Double.random(in: options.queueSeconds, using: &random)
        let render = Double.random(in: options.renderSeconds, using: &random)
        var job = SimulatedJob(
            id: id,
            modelID: modelID,
            bodyDigest: digest,
            kind: schemaModel?.kind ?? .video,
            outputs: schemaModel?.outputCount(json) ?? 1,
            cost: schemaModel?.cost(json) ?? Self.seedCost(json, pricePerSecond: options.pricePerSecond),
            submittedAt: current,
            startsAt: current + queue,
            endsAt: current + queue + render,
            outcome: random.chance(faults.jobFailure) || Self.matches(json, failPrompt: faults.failPrompt) ? .failed : .completed,
            expires: random.chance(faults.expiry)
        )
        accepted += 1
        acceptedByBody[digest, default: 0] += 1
        acceptedByModel[modelID, default: 0] += 1
        for bytes in Self.inlineMedia(json) { acceptedMedia[Hex.lowercase(SHA256.hash(data: bytes)), default: 0] += 1 }
        var reply = SimulatedReply.json(200, .object([
            ("request_id", .string(id)),
            ("status_url", .string("\(baseURL)/v1/requests/\(id)/status")),
            ("result_url", .string("\(baseURL)/v1/requests/\(id)/result")),
            ("cancel_url", .string("\(baseURL)/v1/requests/\(id)/cancel")),
        ]))
        if random.chance(faults.errorAfterAccept) {
            job.submitFault = "error_after_accept"
            reply = .error(500, code: 500001, "internal error")
        } else if random.chance(faults.lostResponse) {
            job.submitFault = "lost_response"
            reply.delivery = .drop
        } else if random.chance(faults.slowResponse) {
            job.submitFault = "slow_response"
            reply.delivery = .after(faults.slowDelay)
        }
        if schemaModel == nil, let timedClips, let request = TimedClips.key(of: json) {
            job.timedClip = request
            Task { await timedClips.prepare(request) }
        }
        jobs[id] = job
        order.append(id)
        return reply
    }

    func status(_ id: String) -> SimulatedReply {
        observePoll(id)
        if let fault = pollFault() { return fault }
        guard let job = jobs[id], let status = job.status(at: now) else { return notFound(id) }
        observeDone(id, status)
        var fields: [(key: String, value: JSONValue)] = [
            ("request_id", .string(id)),
            ("status", .string(status)),
            ("status_url", .string("\(baseURL)/v1/requests/\(id)/status")),
            ("result_url", .string("\(baseURL)/v1/requests/\(id)/result")),
        ]
        if status == "in_queue" {
            let position = order.lazy.compactMap { self.jobs[$0] }.filter { $0.status(at: self.now) == "in_queue" && $0.submittedAt < job.submittedAt }.count
            fields.append(("queue_position", .int(position)))
        }
        if status == "in_progress", random.chance(options.faults.unknownStatus) {
            fields[1] = ("status", .string("warming_up"))
        }
        return .json(200, .object(fields))
    }

    func result(_ id: String) -> SimulatedReply {
        observePoll(id)
        if let fault = pollFault() { return fault }
        guard let job = jobs[id], let status = job.status(at: now) else { return notFound(id) }
        observeDone(id, status)
        var fields: [(key: String, value: JSONValue)] = [("request_id", .string(id)), ("status", .string(status))]
        switch status {
        case "completed":
            let signature = options.urlLifetime.map { "?expires=\(String(format: "%.3f", now + $0))" } ?? ""
            let names = job.outputs == 1 ? [id] : (1...job.outputs).map { "\(id)-\($0)" }
            let urls = names.map { "\(baseURL)/files/\($0).\(job.kind.fileExtension)\(signature)" }
            fields.append(("output", .object([job.kind.output(urls)])))
            fields.append(("created_at", .string(timestamp(job.submittedAt))))
            fields.append(("finished_at", .string(timestamp(job.endsAt))))
            fields.append(("cost", .number((job.cost * 10_000).rounded() / 10_000)))
        case "failed":
            fields.append(("error", .object([("code", .string("render_failed")), ("message", .string("the render failed on the provider's side"))])))
        default:
            break
        }
        return .json(200, .object(fields))
    }

    func cancel(_ id: String) -> SimulatedReply {
        guard var job = jobs[id], let status = job.status(at: now) else { return notFound(id) }
        guard status == "in_queue" else {
            return .json(200, .object([("request_id", .string(id)), ("status", .string(status)), ("outcome", .string("not_cancellable"))]))
        }
        job.cancelledAt = now
        jobs[id] = job
        return .json(200, .object([("request_id", .string(id)), ("status", .string("cancelled")), ("outcome", .string("cancelled"))]))
    }

    /// Downloads refused because their URL had expired.
    var expiredURLs = 0

    /// The maker of timed clips, when asked for and ffmpeg is on PATH.
    lazy var timedClips: TimedClips? = {
        guard options.timedClips, let ffmpeg = FFmpeg.locate() else { return nil }
        let folder = options.timedClipFolder ?? FileManager.default.temporaryDirectory.appendingPathComponent("shotrunner-simulator-clips").path
        return TimedClips(ffmpeg: ffmpeg, folder: folder)
    }()

    /// The output video: the sample clip, padded to `clipBytes` when asked.
    lazy var clip: [UInt8] = SampleClip.padded(to: options.clipBytes)

    /// The seed's cost: its `duration` (5 when absent) x the price per second, 25% more with `sound`.
    static func seedCost(_ body: JSONValue, pricePerSecond: Double) -> Double {
        Double(body["duration"]?.int ?? 5) * pricePerSecond * (body["sound"] == .bool(true) ? 1.25 : 1)
    }

    // MARK: - Faults and counters

    private func observePoll(_ id: String) {
        jobs[id]?.polls += 1
    }

    /// Notes the first answer that shows a job finished (answered, not faulted): when the client learned of it.
    private func observeDone(_ id: String, _ status: String) {
        guard status == "completed" || status == "failed", jobs[id]?.firstSeenDoneAt == nil else { return }
        jobs[id]?.firstSeenDoneAt = now
    }

    /// How soon clients saw finished renders, and how many status and result calls each request took.
    private func detection() -> JSONValue {
        let seen = order.compactMap { jobs[$0] }.filter { $0.firstSeenDoneAt != nil && $0.cancelledAt == nil }
        let delays = seen.map { $0.firstSeenDoneAt! - $0.endsAt }
        let shares = seen.map { ($0.firstSeenDoneAt! - $0.endsAt) / max($0.endsAt - $0.submittedAt, 1e-9) }
        let polls = order.compactMap { jobs[$0]?.polls }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        return .object([
            ("requests_seen_done", .int(seen.count)),
            ("mean_delay_seconds", .number(mean(delays))),
            ("max_delay_seconds", .number(delays.max() ?? 0)),
            ("mean_delay_share_of_render", .number(mean(shares))),
            ("mean_polls_per_request", .number(mean(polls.map(Double.init)))),
        ])
    }

    private func pollFault() -> SimulatedReply? {
        let faults = options.faults
        if random.chance(faults.rateLimited) {
            return .error(429, code: 429001, "rate limited; retry in a moment", headers: [("Retry-After", "1")])
        }
        if random.chance(faults.pollServerError) {
            return random.chance(0.5) ? .error(500, code: 500001, "internal error") : SimulatedReply(status: 502, body: Array("bad gateway".utf8), contentType: "text/plain")
        }
        if random.chance(faults.okWithErrorCode) {
            return .error(200, code: 500001, "internal error")
        }
        if random.chance(faults.slowResponse) {
            var reply = SimulatedReply.error(503, code: 503001, "slow")
            reply.delivery = .after(faults.slowDelay)
            return reply
        }
        return nil
    }

    private func notFound(_ id: String) -> SimulatedReply {
        .error(404, code: 404001, "request '\(id)' does not exist, was deleted, or expired")
    }

    /// When the simulator started, in wall-clock time: timestamps are that plus simulated seconds.
    private let startedAt = Date()

    private func timestamp(_ simulatedSeconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: startedAt.addingTimeInterval(simulatedSeconds))
    }

    /// Whether a body's `prompt` holds the text that fails a job on purpose.
    static func matches(_ json: JSONValue, failPrompt: String?) -> Bool {
        guard let failPrompt, !failPrompt.isEmpty, case .string(let prompt)? = json["prompt"] else { return false }
        return prompt.contains(failPrompt)
    }

    /// The decoded bytes of every `data:...;base64,` string anywhere in a body.
    static func inlineMedia(_ json: JSONValue) -> [[UInt8]] {
        switch json {
        case .string(let text):
            guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ","), text[..<comma].hasSuffix(";base64"),
                let data = Data(base64Encoded: String(text[text.index(after: comma)...]))
            else { return [] }
            return [Array(data)]
        case .array(let items): return items.flatMap(inlineMedia)
        case .object(let members): return members.flatMap { inlineMedia($0.value) }
        default: return []
        }
    }

    func stats() -> JSONValue {
        let current = now
        return .object([
            ("calls", .object(calls.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("accepted_submits", .int(accepted)),
            ("accepted_by_body", .object(acceptedByBody.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("accepted_media", .object(acceptedMedia.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("submits_by_model", .object(submitsByModel.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("accepted_by_model", .object(acceptedByModel.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("expired_urls", .int(expiredURLs)),
            ("max_in_flight", .int(maxInFlight)),
            ("max_active", options.concurrencyLimit == nil ? .null : .int(maxActive)),
            ("refused_for_concurrency", .int(refusedForConcurrency)),
            ("detection", detection()),
            ("requests", .object(order.compactMap { id in
                guard let job = jobs[id] else { return nil }
                return (id, .object([
                    ("model_id", .string(job.modelID)),
                    ("body_sha256", .string(job.bodyDigest)),
                    ("outputs", .int(job.outputs)),
                    ("outcome", .string(job.outcome.rawValue)),
                    ("submit_fault", job.submitFault.map(JSONValue.string) ?? .null),
                    ("expires", .bool(job.expires)),
                    ("status", .string(job.status(at: current) ?? "expired")),
                    ("polls", .int(job.polls)),
                    ("ended_at", .number(job.endsAt)),
                    ("first_seen_done_at", job.firstSeenDoneAt.map(JSONValue.number) ?? .null),
                ]))
            })),
        ])
    }
}

extension SampleClip {
    /// The clip's bytes.
    static let bytes: [UInt8] = Array(Data(base64Encoded: base64.filter { !$0.isWhitespace }) ?? Data())

    /// The clip grown to `size` bytes by a trailing top-level `free` box (players skip it); as it is when `size`
    /// is `nil` or leaves no room for a box.
    static func padded(to size: Int?) -> [UInt8] {
        guard let size, size >= bytes.count + 8, size - bytes.count <= Int(UInt32.max) else { return bytes }
        let box = UInt32(size - bytes.count)
        let header: [UInt8] = [UInt8(box >> 24), UInt8(box >> 16 & 0xFF), UInt8(box >> 8 & 0xFF), UInt8(box & 0xFF)] + Array("free".utf8)
        return bytes + header + [UInt8](repeating: 0, count: size - bytes.count - 8)
    }
}
