public import YAML

/// One problem (or warning) in a manifest, at the place it concerns.
public struct Diagnostic: Sendable, Equatable {
    /// Error or warning.
    public var severity: Severity
    /// A bounded code for the kind of problem (`manifest.unknown_key`, `yaml.syntax`, ...).
    public var code: String
    /// Where; `nil` for problems with the file itself.
    public var mark: Mark?
    /// What is wrong, naming any second place it involves.
    public var message: String
    /// The other places it involves (a duplicate's first use, the segments of a sum, the shot that inherited a
    /// default), each printed as its own `note:` line so that an editor jumps to both.
    public var notes: [Note]

    /// A related place.
    public struct Note: Sendable, Equatable {
        public var mark: Mark
        public var message: String

        public init(at mark: Mark, _ message: String) {
            self.mark = mark
            self.message = message
        }
    }

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ code: String, at mark: Mark?, _ message: String, notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.mark = mark
        self.message = message
        self.notes = notes
    }

    /// The diagnostic in compiler style, with the source line and a caret when the source is at hand, then its
    /// notes the same way.
    public func rendered(name: String, source: SourceText?) -> String {
        ([(severity, mark, message)] + notes.map { (Severity.note, Optional($0.mark), $0.message) }).map { severity, mark, message in
            guard let mark else { return "\(name): \(severity.rawValue): \(message)" }
            guard let source else { return "\(name):\(mark): \(severity.rawValue): \(message)" }
            return source.render(severity, at: mark, message)
        }.joined(separator: "\n")
    }
}

extension [Diagnostic] {
    /// Sorted by position (diagnostics without a place first), keeping the order of those at one place, each
    /// told once (a bad value merged into many shots through an alias is one mistake, at one place).
    func sortedByPosition() -> [Diagnostic] {
        var seen: Set<String> = []
        let unique = filter { seen.insert("\($0.severity)|\($0.mark?.description ?? "")|\($0.message)").inserted }
        return unique.enumerated().sorted { a, b in
            switch (a.element.mark, b.element.mark) {
            case (nil, nil): a.offset < b.offset
            case (nil, _): true
            case (_, nil): false
            case (let x?, let y?): x == y ? a.offset < b.offset : x < y
            }
        }.map(\.element)
    }
}

/// Collects diagnostics while a manifest is read.
struct DiagnosticLog {
    private(set) var items: [Diagnostic] = []
    private(set) var errorCount = 0

    mutating func error(_ code: String, at mark: Mark?, _ message: String, notes: [Diagnostic.Note] = []) {
        items.append(Diagnostic(.error, "manifest." + code, at: mark, message, notes: notes))
        errorCount += 1
    }

    mutating func warning(_ code: String, at mark: Mark?, _ message: String, notes: [Diagnostic.Note] = []) {
        items.append(Diagnostic(.warning, "manifest." + code, at: mark, message, notes: notes))
    }

    /// Adds a note to every diagnostic logged since `start` (`items.count` when the work began).
    mutating func addNote(since start: Int, _ note: Diagnostic.Note) {
        for index in start..<items.count { items[index].notes.append(note) }
    }

    mutating func append(_ diagnostic: Diagnostic) {
        items.append(diagnostic)
        if diagnostic.severity == .error { errorCount += 1 }
    }
}
