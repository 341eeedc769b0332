/// When to poll a running job. It learns from the render times it observes: the first poll of a job comes at
/// about half the median render time seen so far (never before `minimum`), then polls back off by 1.5x up to
/// `maximum`, each with ±20% jitter. Before any render has been seen it starts at `minimum`.
public struct PollSchedule: Sendable {
    /// The shortest wait between polls.
    public var minimum: Duration
    /// The longest wait between polls.
    public var maximum: Duration
    private var observed: [Duration] = []

    /// Creates a schedule.
    public init(minimum: Duration = .seconds(2), maximum: Duration = .seconds(30)) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Records how long a job took from its submit to its render.
    public mutating func observe(renderTime: Duration) {
        observed.append(renderTime)
        if observed.count > 64 { observed.removeFirst(observed.count - 64) }
    }

    /// The median render time observed, if any.
    public var medianRenderTime: Duration? {
        guard !observed.isEmpty else { return nil }
        return observed.sorted()[observed.count / 2]
    }

    /// The wait before poll number `poll` (1 is the first after the submit).
    public func delay(beforePoll poll: Int, using random: inout some RandomNumberGenerator) -> Duration {
        var wait: Duration
        if poll <= 1, let median = medianRenderTime {
            wait = median / 2
        } else {
            wait = minimum
            for _ in 1..<max(poll, 1) {
                wait = wait * 1.5
                if wait >= maximum { break }
            }
        }
        if wait < minimum { wait = minimum }
        if wait > maximum { wait = maximum }
        return wait * (1 + Double.random(in: -0.2...0.2, using: &random))
    }
}
