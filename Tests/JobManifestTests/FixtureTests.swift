import Foundation
import JobManifest
import Testing
import YAML

/// Every invalid fixture produces exactly the diagnostics its header names (line, severity, gist), and exactly
/// the rendered text kept beside it; every valid fixture reads with the job count and seconds its header names.
@Suite("Manifest fixtures")
struct FixtureTests {
    static let invalid = Fixture.all("invalid")
    static let valid = Fixture.all("valid")

    @Test("there are at least 40 invalid fixtures, each stating what it expects")
    func enoughFixtures() {
        #expect(Self.invalid.count >= 40)
        for fixture in Self.invalid { #expect(!fixture.expectations.isEmpty, "\(fixture) states no expectation") }
    }

    @Test("invalid fixtures produce exactly the diagnostics their headers name", arguments: invalid)
    func invalidFixture(_ fixture: Fixture) throws {
        let diagnostics = try #require(Self.diagnostics(of: fixture), "\(fixture) was accepted")
        let got = diagnostics.map { (line: $0.mark?.line ?? 0, severity: $0.severity.rawValue, message: $0.message) }
        var unmatched = got
        for expectation in fixture.expectations {
            let index = unmatched.firstIndex {
                $0.line == expectation.line && $0.severity == expectation.severity
                    && $0.message.lowercased().contains(expectation.gist.lowercased())
            }
            if let index {
                unmatched.remove(at: index)
            } else {
                Issue.record("\(fixture): expected \(expectation.line) \(expectation.severity): \(expectation.gist); got \(got)")
            }
        }
        #expect(unmatched.isEmpty, "\(fixture): unexpected diagnostics \(unmatched)")
    }

    @Test("invalid fixtures render exactly as recorded", arguments: invalid)
    func renderedText(_ fixture: Fixture) throws {
        let diagnostics = try #require(Self.diagnostics(of: fixture), "\(fixture) was accepted")
        let source = SourceText(name: fixture.name, bytes: Array(try Data(contentsOf: fixture.url)))
        let rendered = diagnostics.map { $0.rendered(name: fixture.name, source: source) }.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["SHOTRUNNER_RECORD_FIXTURES"] == "1" {
            try rendered.write(to: fixture.expectedOutputURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: fixture.expectedOutputURL, encoding: .utf8)
        #expect(rendered == expected)
    }

    @Test("valid fixtures read with the jobs and seconds their headers name", arguments: valid)
    func validFixture(_ fixture: Fixture) throws {
        let manifest = try ManifestReader().read(path: fixture.url.path)
        #expect(manifest.jobs.count == fixture.header("expect-jobs"))
        #expect(manifest.totalSeconds == fixture.header("expect-seconds"))
        #expect(manifest.jobCount == manifest.jobs.count)
    }

    private static func diagnostics(of fixture: Fixture) -> [Diagnostic]? {
        do {
            _ = try ManifestReader().read(path: fixture.url.path)
            return nil
        } catch {
            return error.diagnostics
        }
    }
}

