/// The names a job's outputs are downloaded under: one output is `<base>.<ext>`, several `<base>-1.<ext>`,
/// `<base>-2.<ext>` (`<base>.output-N` where `<base>-N` is another job's id); the extension comes from the bytes.
struct OutputNames: Sendable {
    let base: String
    /// How many outputs the render has (at least 1).
    let count: Int
    /// Every job id of the batch, lowercased.
    let jobIDs: Set<String>

    init(base: String, count: Int, jobIDs: Set<String>) {
        self.base = base
        self.count = max(1, count)
        self.jobIDs = jobIDs
    }

    /// The name of output `index` (0-based): its base without the extension, its number (1-based), the count.
    func name(of index: Int) -> (base: String, number: Int, count: Int) {
        guard count > 1 else { return (base, index + 1, count) }
        let numbered = base + "-\(index + 1)"
        return (jobIDs.contains(numbered.lowercased()) ? base + ".output-\(index + 1)" : numbered, index + 1, count)
    }
}
