import ModelCatalog

/// The seconds a manifest's jobs render, by what they render: video and audio apart, and whether the total is an
/// upper bound (some job's length is `"auto"`: the schema's longest counted).
public struct MediaSeconds: Sendable, Equatable {
    public var video = 0
    public var audio = 0
    /// Whether some job's seconds are an upper bound.
    public var isBound = false

    public init() {}

    /// The seconds of jobs, each counted `takes` times (once where not given).
    public init(_ bodies: [(body: RequestBody, takes: Int)]) {
        for (body, takes) in bodies { add(body, takes: takes) }
    }

    /// Counts one shot's jobs.
    public mutating func add(_ body: RequestBody, takes: Int = 1) {
        switch body.schema.outputKind {
        case .audio: audio += takes * body.duration
        case .image: return
        case .video, .unknown: video += takes * body.duration
        }
        if body.seconds?.isBound == true { isBound = true }
    }

    /// `94 s of video`, `at most 40 s of video and 30 s of audio`, `0 s of video` when nothing has a length.
    public var description: String {
        var parts: [String] = []
        if video > 0 || audio == 0 { parts.append("\(video) s of video") }
        if audio > 0 { parts.append("\(audio) s of audio") }
        return (isBound ? "at most " : "") + parts.joined(separator: " and ")
    }
}
