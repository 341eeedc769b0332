/// What sound adds to a clip's price, read from a model's own words: its sound field's `description` or its price's
/// `pricing_note`. "Pricing is unchanged" is x1; "Adds 25%", "adds about 33%", "~20%", "+50%" are x1.25, x1.33,
/// x1.2, x1.5. Nil where the words say neither.
public enum SoundPriceWords {
    /// The words before a percentage that make it a price increase.
    static let increaseWords = ["adds", "add", "about", "approximately", "approx.", "roughly", "around", "~", "+"]

    /// The words that make a price's note speak of sound.
    static let soundWords = ["sound", "audio"]

    /// The factor a price's `pricing_note` gives for sound: only a sentence that speaks of sound or audio counts (a
    /// note about a resolution's surcharge is not about sound).
    public static func factor(inPricingNote note: String) -> Double? {
        let sentences = note.split { ".;\n".contains($0) }.map(String.init)
        for sentence in sentences where soundWords.contains(where: { sentence.lowercased().contains($0) }) {
            if let factor = factor(in: sentence) { return factor }
        }
        return nil
    }

    /// The factor the text gives, if any (a sound field's own description: all of it is about sound).
    public static func factor(in text: String) -> Double? {
        let lower = text.lowercased()
        if lower.contains("unchanged") || lower.contains("no extra cost") || lower.contains("no additional cost") { return 1 }
        let characters = Array(lower)
        for (index, character) in characters.enumerated() where character == "%" {
            var start = index
            while start > 0, characters[start - 1] == " " { start -= 1 }
            let end = start
            while start > 0, characters[start - 1].isNumber || characters[start - 1] == "." { start -= 1 }
            guard start < end, let percent = Double(String(characters[start..<end])), percent > 0, percent <= 1_000 else { continue }
            let before = String(characters[..<start]).trimmingSuffixSpaces
            if increaseWords.contains(where: { before.hasSuffix($0) }) {
                return ((1 + percent / 100) * 10_000).rounded() / 10_000
            }
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingSuffixSpaces: String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
