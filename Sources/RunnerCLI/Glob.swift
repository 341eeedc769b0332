/// Shell-style globs for `--only`: `*` any run of characters (slashes included), `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern)
        let t = Array(text)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Durations on the command line: `90s`, `45m`, `2h`, or plain seconds.
enum DurationParser {
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters()
        guard let unit = trimmed.last else { return nil }
        let scale: Double
        var number = Substring(trimmed)
        switch unit {
        case "s" where number.hasSuffix("ms"): scale = 0.001; number = number.dropLast(2)
        case "s": scale = 1; number = number.dropLast()
        case "m": scale = 60; number = number.dropLast()
        case "h": scale = 3_600; number = number.dropLast()
        default: scale = 1
        }
        guard let value = Double(number), value > 0 else { return nil }
        return .milliseconds(Int64(value * scale * 1_000))
    }
}
