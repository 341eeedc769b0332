import Synchronization

/// Time that moves only when told: tests drive the simulator's jobs through their states without waiting.
public final class ManualTime: Sendable {
    private let elapsed = Mutex(0.0)

    /// Starts at zero.
    public init() {}

    /// Real seconds elapsed so far (the simulator scales them by its clock factor).
    public var seconds: Double { elapsed.withLock { $0 } }

    /// Moves time forward.
    public func advance(bySeconds seconds: Double) {
        elapsed.withLock { $0 += seconds }
    }
}
