/// Where a job stands, as the ledger tells it (`status --json`'s `state`).
public enum JobState: String, Sendable, CaseIterable, Comparable {
    case pending
    case submitting
    case queued
    case running
    case rendered
    case completed
    case failed
    case expired
    case cancelled
    case unknownOutcome = "unknown_outcome"
    case downloadFailed = "download_failed"
    /// Its sources (the jobs whose outputs it takes) have not all completed yet.
    case waiting
    /// A source ended otherwise than completed: nothing was submitted, nothing spent.
    case blocked
    /// Its sources completed, and one that gates it (`approve: true`) is not approved yet: nothing submitted, nothing
    /// spent, not a failure. Never a record's own state: `FoldRecords` shows it for the jobs
    /// `LedgerFold.awaitingApproval()` finds.
    case awaitingApproval = "awaiting_approval"

    /// Whether the job is done for good (a run does nothing more with it unless asked).
    public var isFinal: Bool {
        switch self {
        case .completed, .failed, .expired, .cancelled, .unknownOutcome: true
        default: false
        }
    }

    /// States in the order a report lists them.
    public static func < (lhs: JobState, rhs: JobState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What the ledger knows of one job (for one key).
///
/// Sized for what it holds (a 100,000-job fold keeps 100,000 of these): times as numbers, and the fields few
/// records ever fill (an error, a wait, a block, several outputs' digests) in one shared box that most records
/// never allocate.
public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var key: String
    public var state: JobState = .pending
    public var requestID: String?
    /// Submit intents written.
    public var attempts = 0
    /// Every output's URL (one for most jobs: the first is kept in the record, any others in the rare box, so
    /// that the usual record holds no array).
    public var outputs: [String] {
        get {
            guard let firstOutput else { return [] }
            guard let more = rare?.fields.moreOutputs, !more.isEmpty else { return [firstOutput] }
            return [firstOutput] + more
        }
        set {
            firstOutput = newValue.first
            // The box only where there is or was more than one (the usual job skips it).
            if newValue.count > 1 || rare?.fields.moreOutputs.isEmpty == false { setRare(\.moreOutputs, Array(newValue.dropFirst())) }
        }
    }
    /// The first output's URL.
    public var output: String? { firstOutput }
    /// The first output's file, relative to the run folder.
    public var file: String? { firstFile }
    /// Every output's file, relative to the run folder, by output (nil where not downloaded yet); kept as the
    /// outputs are.
    public var files: [String?] {
        get { Array(fileList) }
        set {
            fileCount = Int32(clamping: newValue.count)
            firstFile = newValue.first ?? nil
            if newValue.count > 1 || rare?.fields.moreFiles.isEmpty == false { setRare(\.moreFiles, Array(newValue.dropFirst())) }
        }
    }
    /// The same files read in place, with no array made (what writers of 100,000 entries read).
    public var fileList: FileList { FileList(first: firstFile, more: rare?.fields.moreFiles ?? [], count: Int(fileCount)) }

    /// A record's files as a collection: the first kept in the record, the others in the rare box.
    public struct FileList: RandomAccessCollection, Sendable {
        let first: String?
        let more: [String?]
        public let count: Int
        public var startIndex: Int { 0 }
        public var endIndex: Int { count }
        public subscript(position: Int) -> String? { position == 0 ? first : more[position - 1] }
    }

    /// Whether every output's file is recorded.
    public var hasEveryFile: Bool { !fileList.isEmpty && fileList.allSatisfy { $0 != nil } }
    public var bytes: Int?
    /// The first output's SHA-256: as its 32 bytes where it is 64 lowercase hex digits (shotrunner's own lines),
    /// else as its text in the rare box.
    public var sha256: String? {
        get { digest?.hex ?? rare?.fields.sha256Text }
        set {
            digest = newValue.flatMap(Digest.init(hex:))
            if digest == nil || rare?.fields.sha256Text != nil { setRare(\.sha256Text, digest == nil ? newValue : nil) }
        }
    }
    /// What the API said it cost.
    public var cost: Double?
    /// The estimate written with the submit intent.
    public var estimatedCost: Double?
    /// The last status the API reported (kept even when unknown).
    public var apiStatus: String?
    /// What earlier attempts of this job (and key) may have cost: each submit that may have started counts.
    public var earlierSpend = 0.0
    /// Whether the latest submit may have started (and so may cost money).
    public var latestMayCost = false
    /// The first submit intent's and the render's times, in milliseconds since 1970 (`Int64.min`: none, or a
    /// time whose text is not the ledger's own form, kept in `rare`).
    private var firstOutput: String?
    private var firstFile: String?
    private var fileCount: Int32 = 0
    private var digest: Digest?
    private var submitMillis = Int64.min
    private var renderMillis = Int64.min
    private var rare: Rare?

    /// The fields most records leave empty.
    struct RareFields: Sendable, Equatable {
        var fileSHA256: [String?] = []
        var waitingOn: [String] = []
        var blockedBy: BlockedBy?
        var errorCode: String?
        var errorMessage: String?
        /// Times written in another form than the ledger's own.
        var firstSubmitText: String?
        var renderedText: String?
        /// The outputs and files after the first, for a job with several.
        var moreOutputs: [String] = []
        var moreFiles: [String?] = []
        /// A digest in another form than 64 lowercase hex digits.
        var sha256Text: String?

        var isEmpty: Bool { self == RareFields() }
    }

    // The getters read the box's fields directly: through a key path, each read cost a projection call (measured:
    // 4% of `status --json` on 100,000 jobs). Setting, which is rare, goes through one generic path.

    /// Rare fields, shared between copies and replaced whole when one changes (which is rare by definition).
    final class Rare: Sendable, Equatable {
        let fields: RareFields
        init(_ fields: RareFields) { self.fields = fields }
        static func == (lhs: Rare, rhs: Rare) -> Bool { lhs === rhs || lhs.fields == rhs.fields }
    }

    private mutating func setRare<Value: Equatable>(_ path: WritableKeyPath<RareFields, Value>, _ value: Value) {
        var fields = rare?.fields ?? RareFields()
        guard fields[keyPath: path] != value else { return }
        fields[keyPath: path] = value
        rare = fields.isEmpty ? nil : Rare(fields)
    }

    /// The SHA-256 of each output's file, by output, as its `downloaded` line recorded it, for a job with several
    /// outputs (a single output's is `sha256`).
    public var fileSHA256: [String?] {
        get { rare?.fields.fileSHA256 ?? [] }
        set { setRare(\.fileSHA256, newValue) }
    }
    /// The jobs it waits on (`waiting`).
    public var waitingOn: [String] {
        get { rare?.fields.waitingOn ?? [] }
        set { setRare(\.waitingOn, newValue) }
    }
    /// The source that left it `blocked`, and that source's state.
    public var blockedBy: BlockedBy? {
        get { rare?.fields.blockedBy }
        set { setRare(\.blockedBy, newValue) }
    }
    public var errorCode: String? {
        get { rare?.fields.errorCode }
        set { setRare(\.errorCode, newValue) }
    }
    public var errorMessage: String? {
        get { rare?.fields.errorMessage }
        set { setRare(\.errorMessage, newValue) }
    }

    /// The first submit intent's and the render's times in milliseconds since 1970, where known as such.
    public var firstSubmitMillis: Int64? { submitMillis == .min ? nil : submitMillis }
    public var renderedMillis: Int64? { renderMillis == .min ? nil : renderMillis }

    /// Time of the first submit intent and of the render, for reports.
    public var firstSubmitAt: String? {
        get { submitMillis != .min ? LedgerTime.text(millis: submitMillis) : rare?.fields.firstSubmitText }
        set {
            let (millis, text) = Self.split(newValue)
            submitMillis = millis
            setRare(\.firstSubmitText, text)
        }
    }
    public var renderedAt: String? {
        get { renderMillis != .min ? LedgerTime.text(millis: renderMillis) : rare?.fields.renderedText }
        set {
            let (millis, text) = Self.split(newValue)
            renderMillis = millis
            setRare(\.renderedText, text)
        }
    }
    /// A time as a number where its text is the ledger's own form, else as text.
    private static func split(_ text: String?) -> (Int64, String?) {
        guard let text else { return (.min, nil) }
        if let millis = LedgerTime.millis(canonical: text) { return (millis, nil) }
        return (.min, text)
    }

    /// A SHA-256 digest as its 32 bytes (a record's text of it took a 100-byte allocation of its own).
    struct Digest: Sendable, Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64)

        init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

        /// From exactly 64 lowercase hex digits; nil for anything else (kept as text, so that it reads back as it was).
        init?(hex: String) {
            var text = hex
            guard let parsed = text.withUTF8({ utf8 -> (UInt64, UInt64, UInt64, UInt64)? in
                guard utf8.count == 64 else { return nil }
                func word(_ part: Int) -> UInt64? {
                    var value: UInt64 = 0
                    for byte in utf8[(part * 16)..<(part * 16 + 16)] {
                        switch byte {
                        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(byte - UInt8(ascii: "0"))
                        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(byte - UInt8(ascii: "a") + 10)
                        default: return nil
                        }
                    }
                    return value
                }
                guard let a = word(0), let b = word(1), let c = word(2), let d = word(3) else { return nil }
                return (a, b, c, d)
            }) else { return nil }
            words = parsed
        }

        var hex: String {
            let all = words
            return String(unsafeUninitializedCapacity: 64) { buffer in
                for part in 0..<4 {
                    let word = part == 0 ? all.0 : part == 1 ? all.1 : part == 2 ? all.2 : all.3
                    for place in 0..<16 {
                        let nibble = UInt8(word >> (60 - 4 * UInt64(place)) & 0xF)
                        buffer[part * 16 + place] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                    }
                }
                return 64
            }
        }

        static func == (lhs: Digest, rhs: Digest) -> Bool { lhs.words == rhs.words }
    }

    /// Why a job is blocked: which source, in which state.
    public struct BlockedBy: Sendable, Equatable {
        public var job: String
        public var state: String

        /// The source a blocked job waits on, and the state it ended in.
        public init(job: String, state: String) {
            self.job = job
            self.state = state
        }
    }

    /// A record of a job under a key, with nothing on record yet (pending).
    public init(id: String, key: String) {
        self.id = id
        self.key = key
    }

    /// Whether this record has cost money (or may have): something was submitted.
    public var wasSubmitted: Bool { attempts > 0 }

    /// The spend this record counts for: every submit that may have started, each at its estimate until the
    /// API's recorded cost replaces the latest one's. A submit that certainly did not start (not sent,
    /// throttled, refused) and a request cancelled while queued cost nothing.
    public var spend: Double {
        var latest = 0.0
        if latestMayCost, state != .cancelled || cost != nil { latest = cost ?? estimatedCost ?? 0 }
        return earlierSpend + latest
    }
}

extension JobRecord {
    /// The record in a checkpoint: every stored field once, in order, the one description its writer and reader
    /// follow. A reader given `listedKey` (the key listed at the record's place) shares its string when the same.
    mutating func checkpoint<Coder: CheckpointCoding>(_ c: inout Coder, listedKey: String?) {
        c.code(&id)
        if c.reads, let listedKey { key = listedKey }
        c.code(&key)
        c.code(&state)
        c.code(&requestID)
        c.code(&attempts)
        c.code(&firstOutput)
        c.code(&firstFile)
        var files = Int(fileCount)
        c.code(&files)
        fileCount = Int32(clamping: files)
        c.code(&digest, empty: Digest(words: (0, 0, 0, 0))) { c, digest in
            c.code(&digest.words.0)
            c.code(&digest.words.1)
            c.code(&digest.words.2)
            c.code(&digest.words.3)
        }
        c.code(&submitMillis)
        c.code(&renderMillis)
        c.code(&bytes)
        c.code(&cost)
        c.code(&estimatedCost)
        c.code(&apiStatus)
        c.code(&earlierSpend)
        c.code(&latestMayCost)
        var rare = rare?.fields ?? RareFields()
        rare.checkpoint(&c)
        if c.reads { self.rare = rare.isEmpty ? nil : Rare(rare) }
    }
}

extension JobRecord.RareFields {
    mutating func checkpoint<Coder: CheckpointCoding>(_ c: inout Coder) {
        c.code(&fileSHA256)
        c.code(&waitingOn)
        c.code(&blockedBy, empty: JobRecord.BlockedBy(job: "", state: "")) { c, by in
            c.code(&by.job)
            c.code(&by.state)
        }
        c.code(&errorCode)
        c.code(&errorMessage)
        c.code(&firstSubmitText)
        c.code(&renderedText)
        c.code(&moreOutputs)
        c.code(&moreFiles)
        c.code(&sha256Text)
    }
}
