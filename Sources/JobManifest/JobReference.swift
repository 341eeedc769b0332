import Foundation
public import JSON
public import YAML

/// A media field that takes another job's output (the storyboard graph): `{from: JOB_ID}`, `{from: JOB_ID,
/// output: N}` (the N-th of several, 1-based) or `{from: JOB_ID, frame: first|last|SECONDS}` (a frame of a video
/// job, extracted as PNG). The body carries it unresolved until the source has completed.
public struct JobReference: Sendable, Hashable {
    /// The source's expanded job id (`scene/shot`, `shot~2`).
    public let job: String
    /// Which of the source's outputs, 1-based; nil for the first (or only) one.
    public let output: Int?
    /// For an image field fed by a video: which frame.
    public let frame: Frame?
    /// Where the reference is written.
    public let mark: Mark

    /// A frame of a video source.
    public enum Frame: Sendable, Hashable {
        case first
        case last
        /// The frame shown at this time (seconds from the start).
        case seconds(Double)

        /// How the key writes it after the source's digest: `#first`, `#last`, `#2.5`.
        public var selector: String { "#" + text }

        /// As the manifest writes it: `first`, `last`, `2.5`.
        public var text: String {
            switch self {
            case .first: "first"
            case .last: "last"
            case .seconds(let value): JSONValue.format(value)
            }
        }
    }

    public init(job: String, output: Int? = nil, frame: Frame? = nil, mark: Mark) {
        self.job = job
        self.output = output
        self.frame = frame
        self.mark = mark
    }

    /// The output it takes, from 0.
    public var outputIndex: Int { max(1, output ?? 1) - 1 }

    /// Where a run keeps a frame it extracted, relative to the run folder: `frames/<source>.<digest8>.<frame>.png`,
    /// the source's `/` written as `_` (a scene's job). `frame` is the selector's text (`first`, `last`, ...).
    public static func frameFile(source: String, digest: String, frame: String) -> String {
        "frames/" + source.replacingOccurrences(of: "/", with: "_") + "." + digest.prefix(8) + "." + frame + ".png"
    }

    /// The reference as `plan --json` shows it: `{"from": ..., "output": ..., "frame": ...}`.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("from", .string(job))]
        if let output { members.append(("output", .int(output))) }
        if let frame {
            if case .seconds(let value) = frame { members.append(("frame", .number(value))) } else { members.append(("frame", .string(frame.text))) }
        }
        return .object(members)
    }

    /// What the canonical body writes for a reference whose source does not exist yet (the key is then only a
    /// placeholder: `Job.keyText` reads `after:<sources>`).
    var placeholder: String {
        "from:" + job + (output.map { "#output-\($0)" } ?? "") + (frame?.selector ?? "")
    }

    public static func == (lhs: JobReference, rhs: JobReference) -> Bool {
        lhs.job == rhs.job && lhs.output == rhs.output && lhs.frame == rhs.frame
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(job)
        hasher.combine(output)
        hasher.combine(frame)
    }
}

/// A reference whose source has completed: the digest of the source's output file (what the key covers) and,
/// once the body is built for a submit, the file whose bytes are sent (the source's file, or the frame
/// extracted from it).
public struct ResolvedInput: Sendable, Equatable {
    /// The reference as written.
    public let reference: JobReference
    /// SHA-256 of the source's output file, lowercase hex.
    public let sourceSHA256: String
    /// The bytes to send, once built (nil while only the key is known).
    public let file: LocalMedia?

    public init(reference: JobReference, sourceSHA256: String, file: LocalMedia? = nil) {
        self.reference = reference
        self.sourceSHA256 = sourceSHA256
        self.file = file
    }

    /// What the key covers: `sha256:<source's digest>`, with the frame's selector for a frame (`#last`), never
    /// the bytes of the extracted PNG (they differ between ffmpeg versions).
    public var keyText: String {
        "sha256:" + sourceSHA256 + (reference.frame?.selector ?? "")
    }
}
