public import JSON

/// How the simulator behaves: its address, clock, render times, account limits, and seeded faults.
public struct SimulatorOptions: Sendable {
    /// Faults, each a probability from 0 to 1, drawn from the seeded generator.
    public struct Faults: Sendable, Equatable {
        /// A submit or poll answered 429 with `Retry-After` (nothing accepted).
        public var rateLimited = 0.0
        /// A submit answered 503 before it is accepted.
        public var unavailableBeforeAccept = 0.0
        /// A submit accepted (and billed) but answered 500.
        public var errorAfterAccept = 0.0
        /// A submit accepted (and billed) whose answer is lost: the connection closes without a response.
        public var lostResponse = 0.0
        /// An answer delayed by `slowDelay` (real time), past a client's read timeout if it is short.
        public var slowResponse = 0.0
        /// How long a slow answer takes, in real seconds.
        public var slowDelay = 2.0
        /// A status or result call answered 500 or 502.
        public var pollServerError = 0.0
        /// An accepted job that ends `failed`.
        public var jobFailure = 0.0
        /// Accepted jobs whose `prompt` contains this text end `failed` (a chosen job fails, whatever the seed).
        public var failPrompt: String?
        /// A status answer carrying a status value no client knows (`warming_up`) while a job renders.
        public var unknownStatus = 0.0
        /// A status or result call answered HTTP 200 with an `error_code` body.
        public var okWithErrorCode = 0.0
        /// An accepted job whose request id expires once it has rendered (404 / `404001` from then on).
        public var expiry = 0.0
        /// A download answered 500.
        public var downloadError = 0.0
        /// A model-info call (the price) answered 500.
        public var modelInfoError = 0.0
        /// Real seconds every model-info call waits before it answers (a slow price lookup).
        public var modelInfoDelay = 0.0
        /// The catalogue's last page answered with `has_more` and the first page's cursor: a page loop.
        public var pageLoop = 0.0

        /// No faults.
        public init() {}
    }

    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port = 0
    /// Seeds every random choice: the same seed and the same calls give the same faults.
    public var seed: UInt64 = 1
    /// The token required; `nil` accepts any non-empty bearer token.
    public var token: String?
    /// Real seconds per simulated second: 0.001 makes a 60-second render take 60 ms.
    public var clockScale = 1.0
    /// How long a render takes, in simulated seconds.
    public var renderSeconds: ClosedRange<Double> = 30...90
    /// How long a job waits in the queue before it starts, in simulated seconds.
    public var queueSeconds: ClosedRange<Double> = 0...5
    /// Jobs an account may have queued or rendering at once; past it, submits get 429.
    public var concurrencyLimit: Int?
    /// Submits the account can pay for; past them, 400002.
    public var balance: Int?
    /// The size of every output video in bytes; `nil` serves the 4,840-byte sample clip as it is. A larger clip is
    /// the sample padded with an MP4 `free` box, so it stays a playable file.
    public var clipBytes: Int?
    /// With ffmpeg on PATH, a video job whose start frame came as a data URI gets a clip of its duration made from
    /// its frames (cached in `timedClipFolder`), not the sample clip: a simulated animatic with the real timing.
    public var timedClips = false
    /// Where timed clips are kept (default: `shotrunner-simulator-clips` in the temporary folder).
    public var timedClipFolder: String?
    /// How long an output URL works, in simulated seconds (nil: for ever). Each result call hands out a fresh one,
    /// signed with its expiry, as providers' pre-signed URLs are; an expired one is answered 403.
    public var urlLifetime: Double?
    /// USD per second of video (sound adds 25%): the seed's price, and that of every per-second model whose
    /// catalogue entry has none.
    public var pricePerSecond = 0.112
    /// The catalogue served: entries in the catalogue's shape (`{model_id, kind, price_unit, base_price_usd?,
    /// categories, input_schema}`), listed by `GET /v1/models` and accepted by submits. The seed model is served
    /// whether or not it is among them. Default: the shipped snapshot.
    public var catalog: [JSONValue] = SimulatorCatalog.snapshot
    /// Entries per page of `GET /v1/models`.
    public var pageSize = 50
    /// The faults to inject.
    public var faults = Faults()

    /// Default options: loopback, a free port, real time, no faults.
    public init() {}
}
