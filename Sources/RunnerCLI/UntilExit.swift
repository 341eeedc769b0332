import Synchronization

/// Values kept until the process exits and never freed. The last thing `status`, `report` or a resume with nothing
/// to do does with a 100,000-job fold is let go of it, and freeing its half a million strings one by one, just
/// before the process's exit would have returned all of its memory at once, took a tenth of `status --json`.
enum UntilExit {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}
