/// How long to wait before trying again: exponential, capped, with ±20% jitter, and never less than a
/// server's `Retry-After`.
///
/// With `base` 1 s and `cap` 60 s, attempts wait (before jitter):
///
/// | attempt | 1 | 2 | 3 | 4 | 5 | 6 | 7+ |
/// |---|---|---|---|---|---|---|---|
/// | wait | 1 s | 2 s | 4 s | 8 s | 16 s | 32 s | 60 s |
public struct Backoff: Sendable, Equatable {
    /// The first wait.
    public var base: Duration
    /// The longest wait.
    public var cap: Duration
    /// The jitter, as a fraction each way.
    public var jitter: Double

    /// Creates a backoff.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(60), jitter: Double = 0.2) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The wait before attempt `attempt + 1`, after `attempt` failures (1-based).
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, using random: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        var wait = base * (1 << exponent)
        if wait > cap { wait = cap }
        let factor = 1 + Double.random(in: -jitter...jitter, using: &random)
        wait = wait * factor
        if let retryAfter, retryAfter > wait { wait = retryAfter }
        return wait
    }
}
