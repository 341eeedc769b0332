import Foundation

/// A manifest fixture and what its header, written by hand from the rules, says it must produce.
struct Fixture: CustomStringConvertible {
    /// One `# expect: LINE severity: GIST` line.
    struct Expectation: Equatable {
        let line: Int
        let severity: String
        let gist: String
    }

    let url: URL
    var name: String { url.lastPathComponent }
    var description: String { name }

    /// The header's text, byte-order mark and carriage returns removed.
    var text: String {
        let raw = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
        return raw.replacingOccurrences(of: "\u{FEFF}", with: "").replacingOccurrences(of: "\r", with: "")
    }

    var expectations: [Expectation] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# expect: ") else { return nil }
            let rest = line.dropFirst("# expect: ".count)
            guard let space = rest.firstIndex(of: " "), let number = Int(rest[..<space]) else { return nil }
            let afterLine = rest[rest.index(after: space)...]
            guard let colon = afterLine.firstIndex(of: ":") else { return nil }
            return Expectation(
                line: number,
                severity: String(afterLine[..<colon]),
                gist: afterLine[afterLine.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
    }

    /// `# expect-jobs: N` / `# expect-seconds: S` of a valid fixture.
    func header(_ key: String) -> Int? {
        text.split(separator: "\n").lazy.compactMap { line -> Int? in
            guard line.hasPrefix("# \(key): ") else { return nil }
            return Int(line.dropFirst("# \(key): ".count).trimmingCharacters(in: .whitespaces))
        }.first
    }

    /// The exact rendered diagnostics it must produce, kept beside it as `NAME.expected`.
    var expectedOutputURL: URL { url.deletingPathExtension().appendingPathExtension("expected") }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func all(_ folder: String) -> [Fixture] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { Fixture(url: directory.appendingPathComponent($0)) }
    }
}
