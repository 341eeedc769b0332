/// Suggests the closest known word for a misspelt one.
public enum DidYouMean {
    /// The candidate within a small edit distance of `word` (1 for words of up to 3 characters, else 2 or a
    /// quarter of its length), if any.
    /// Failing that, a field name that says the same in a model's words: one that only adds a suffix such as
    /// `_url` or `_urls` (`start_image` for `start_image_url`), or has the same words where `sound` is `audio`
    /// (`generate_sound` for `generate_audio`).
    public static func suggest(_ word: String, among candidates: [String]) -> String? {
        let limit = word.count <= 3 ? 1 : max(2, word.count / 4)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate)
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0 ?? sameMeaning(word.lowercased(), among: candidates)
    }

    /// The suffixes a model's field may add to a plain name.
    static let suffixes = ["_url", "_urls", "_uri", "_uris", "s", "_image", "_images"]
    /// Words that name the same thing in different models' fields.
    static let synonyms: [String: String] = [
        "sound": "audio", "sounds": "audio", "img": "image", "picture": "image", "photo": "image", "vid": "video",
        "length": "duration", "seconds": "duration", "secs": "duration", "enable": "generate", "with": "generate",
    ]

    /// A candidate equal to `word` plus one of `suffixes` (or the reverse), else one whose words, read through
    /// `synonyms`, are the same; nil when none or several fit.
    static func sameMeaning(_ word: String, among candidates: [String]) -> String? {
        guard word.count >= 3 else { return nil }
        let extended = candidates.filter { candidate in
            suffixes.contains { candidate == word + $0 || word == candidate + $0 }
        }
        if extended.count == 1 { return extended[0] }
        func words(_ name: String) -> [String] {
            name.lowercased().split(separator: "_").map { synonyms[String($0)] ?? String($0) }
        }
        let meaning = words(word)
        let same = candidates.filter { words($0) == meaning }
        return same.count == 1 ? same[0] : nil
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
