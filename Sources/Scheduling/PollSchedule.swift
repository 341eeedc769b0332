/// When to poll a running job. It learns from the render times it observes, so it needs no hint about the
/// service's speed (a simulator whose clock runs 50 times fast is learnt like the real service):
///
/// - Each finished render gives an estimate of its render time: the midpoint between the last poll that saw it
///   unfinished and the one that saw it finished (half the latter when the first poll already saw it done, which
///   pulls a too-late schedule earlier). The last 64 estimates are kept.
/// - With estimates: `lo`, `median` and `hi` are their 10th, 50th and 90th percentiles; the step is an eighth of
///   `hi - lo`, kept within 2% to 10% of the median and never under `minimum`. The first poll comes one step
///   before `lo`, then a poll every step until one past `hi` plus two steps, then every tenth of the time
///   elapsed (an outlier: a long queue) up to `maximum`. So a finished render is seen about half a step late,
///   which is at most 5% of a median render, in about `(render - lo) / step + 1` calls.
/// - Before any estimate (the first jobs of a run): `coldStart`, then 1.5 times longer each time up to
///   `maximum`; every job still running switches to the learnt schedule as soon as one render has been seen.
/// - Waits get ±10% jitter, so jobs submitted together do not poll together forever.
public struct PollSchedule: Sendable {
    /// The shortest wait between two polls of a job.
    public var minimum: Duration
    /// The longest wait between two polls of a job.
    public var maximum: Duration
    /// The first wait before anything has been learnt.
    public var coldStart: Duration
    private var estimates: [Duration] = []

    /// Creates a schedule.
    public init(minimum: Duration = .milliseconds(50), maximum: Duration = .seconds(30), coldStart: Duration = .milliseconds(250)) {
        self.minimum = minimum
        self.maximum = maximum
        self.coldStart = max(coldStart, minimum)
    }

    /// Records a finished render: seen finished `doneAt` after its submit, last seen unfinished at
    /// `lastPendingAt` (nil when the first poll already saw it finished).
    public mutating func observe(doneAt: Duration, lastPendingAt: Duration?) {
        let estimate = lastPendingAt.map { ($0 + doneAt) / 2 } ?? doneAt / 2
        estimates.append(estimate)
        if estimates.count > 64 { estimates.removeFirst(estimates.count - 64) }
    }

    /// The median render time estimated, if any.
    public var medianRenderTime: Duration? {
        estimates.isEmpty ? nil : percentile(0.5)
    }

    /// The wait before poll number `poll` (1 is the first after the submit), `elapsed` after the submit.
    public func delay(beforePoll poll: Int, elapsed: Duration, using random: inout some RandomNumberGenerator) -> Duration {
        var wait: Duration
        if estimates.isEmpty {
            wait = coldStart
            for _ in 1..<max(poll, 1) {
                wait = wait * 1.5
                if wait >= maximum { break }
            }
        } else {
            let low = percentile(0.1), median = percentile(0.5), high = percentile(0.9)
            let step = max(minimum, min(max((high - low) / 8, median * 0.02), median * 0.1))
            let firstAt = low - step
            if elapsed < firstAt {
                return min(maximum, max(minimum, firstAt - elapsed))  // aligned on what was learnt: no jitter
            } else if elapsed < high + step * 2 {
                wait = step
            } else {
                wait = max(step, elapsed / 10)
            }
        }
        wait = min(maximum, max(minimum, wait))
        return max(minimum, wait * (1 + Double.random(in: -0.1...0.1, using: &random)))
    }

    private func percentile(_ fraction: Double) -> Duration {
        let sorted = estimates.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
    }
}
