import Foundation
import Testing
import YAML

/// The YAML test suite (`Tests/yaml-test-suite`) run through the wrapper: every case's event stream must
/// equal `test.event`, error cases must be rejected, and the composed tree must equal `in.json` where there is
/// one. The only exceptions are `KnownLibYAMLDifferences`, each checked against libyaml's own event printer.
@Suite("YAML test suite")
struct YAMLTestSuiteTests {
    @Test("every case passes, or is a checked libyaml difference")
    func conformance() async throws {
        let cases = try SuiteCase.all()
        #expect(cases.count > 300, "the suite's data should be at Tests/yaml-test-suite")
        let referee = try await LibYAMLReferee.build()
        var passed = 0
        var failed = 0
        var known = 0

        for suiteCase in cases {
            let libyaml = try await referee.events(of: suiteCase.input)
            let libyamlAgrees = Self.matchesSuite(libyaml, suiteCase)
            let wrapper = EventFormat.read(.file(path: suiteCase.input.path))
            // Whatever the suite says, the wrapper must report exactly libyaml's events, and fail where it fails.
            let wrapperIsLibYAML = wrapper.lines == libyaml.lines && (wrapper.error == nil) == libyaml.parsed

            if let reason = KnownLibYAMLDifferences.cases[suiteCase.id] {
                #expect(!libyamlAgrees, "\(suiteCase.id) is listed as a libyaml difference (\(reason)), but libyaml agrees with the suite")
                if wrapperIsLibYAML {
                    known += 1
                } else {
                    failed += 1
                    Issue.record("\(suiteCase.id): the wrapper's events differ from libyaml's own")
                }
                continue
            }
            #expect(libyamlAgrees, "libyaml itself differs from the suite on \(suiteCase.id): list it with a reason or fix the referee")
            if let failure = Self.failure(of: suiteCase, wrapper: wrapper) ?? (wrapperIsLibYAML ? nil : "events differ from libyaml's own") {
                failed += 1
                Issue.record("\(suiteCase.id): \(failure)")
            } else {
                passed += 1
            }
        }
        for id in KnownLibYAMLDifferences.cases.keys where !cases.contains(where: { $0.id == id }) {
            Issue.record("\(id) is listed as a libyaml difference but is not a case of the suite")
        }
        print("yaml-test-suite: \(passed) passed, \(failed) failed, \(known) known libyaml differences")
    }

    private static func matchesSuite(_ output: LibYAMLReferee.Output, _ suiteCase: SuiteCase) -> Bool {
        suiteCase.isError ? !output.parsed : output.parsed && output.lines.joined(separator: "\n") + "\n" == suiteCase.expectedEvents
    }

    /// Why the wrapper fails the case, or `nil` when it passes.
    private static func failure(of suiteCase: SuiteCase, wrapper: (lines: [String], error: YAMLError?)) -> String? {
        let input = Input.file(path: suiteCase.input.path)
        if suiteCase.isError {
            if wrapper.error != nil { return nil }
            return (try? Loader().loadAll(input)) == nil ? nil : "an invalid input was accepted"
        }
        if let error = wrapper.error { return "rejected a valid input: \(error)" }
        guard wrapper.lines.joined(separator: "\n") + "\n" == suiteCase.expectedEvents else { return "events differ from test.event" }
        guard let json = suiteCase.expectedJSON else { return nil }
        do {
            let expected = try JSONValue.parseStream(json)
            let tree = try Loader().loadAll(input)
            let documents = tree.map(JSONValue.init)
            // The second-thread parser must compose the very same tree.
            guard try Loader(pipelineThreshold: 0).loadAll(input) == tree else { return "the pipelined loader composed another tree" }
            return documents == expected ? nil : "composed \(documents), expected \(expected)"
        } catch {
            return "composing failed: \(error)"
        }
    }
}
