/// `--halt fail=N` or `fail=P%`: when a batch is clearly going wrong, stop paying for more of it. Counts only the
/// jobs of this run: N of them ended `failed`, or P% of those this run has finished, once at least 10 have.
public struct HaltRule: Sendable, Equatable, CustomStringConvertible {
    /// How many failures trip the rule: a count, or a share of the jobs finished.
    public enum Threshold: Sendable, Equatable {
        case count(Int)
        case percent(Double)
    }

    public var threshold: Threshold

    /// Jobs that must have finished before a percentage counts.
    public static let percentMinimum = 10

    /// A rule of this threshold.
    public init(_ threshold: Threshold) {
        self.threshold = threshold
    }

    /// Reads `fail=N` (N at least 1) or `fail=P%` (P above 0 and at most 100).
    public init?(parsing text: String) {
        guard text.hasPrefix("fail=") else { return nil }
        let value = text.dropFirst("fail=".count)
        if value.hasSuffix("%") {
            guard let percent = Double(value.dropLast()), percent > 0, percent <= 100 else { return nil }
            threshold = .percent(percent)
        } else {
            guard let count = Int(value), count >= 1 else { return nil }
            threshold = .count(count)
        }
    }

    /// Whether the rule trips with `failed` of `finished` jobs ended this run.
    public func trips(failed: Int, finished: Int) -> Bool {
        switch threshold {
        case .count(let count): failed >= count
        case .percent(let percent): finished >= Self.percentMinimum && Double(failed) * 100 >= percent * Double(finished)
        }
    }

    public var description: String {
        switch threshold {
        case .count(let count): "--halt fail=\(count)"
        case .percent(let percent): "--halt fail=\(percent == percent.rounded() ? String(Int(percent)) : String(percent))%"
        }
    }
}
