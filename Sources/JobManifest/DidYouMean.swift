/// Suggests the closest known word for a misspelt one.
public enum DidYouMean {
    /// The candidate within a small edit distance of `word` (1 for words of up to 3 characters, else 2 or a
    /// quarter of its length), if any.
    public static func suggest(_ word: String, among candidates: [String]) -> String? {
        let limit = word.count <= 3 ? 1 : max(2, word.count / 4)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate)
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Levenshtein distance, with a transposition of neighbours counting as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }

    /// `; did you mean 'x'?` or nothing.
    static func hint(_ word: String, among candidates: [String]) -> String {
        suggest(word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
