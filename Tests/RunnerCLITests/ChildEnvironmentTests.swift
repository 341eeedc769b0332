import ChildProcessSupport
import Foundation
import Testing

/// No child of a test inherits the machine's API token, base URL or proxy: a test on a machine with a real token
/// must never query the real API.
@Suite("child environment")
struct ChildEnvironmentTests {
    static let machine: [String: String] = [
        "RUNCOMFY_API_TOKEN": "sk-real", "RUNCOMFY_TOKEN": "sk-real-too", "RUNCOMFY_BASE_URL": "https://model-api.runcomfy.net",
        "HTTPS_PROXY": "http://proxy:3128", "HTTP_PROXY": "http://proxy:3128", "NO_PROXY": "localhost", "ALL_PROXY": "socks5://proxy",
        "https_proxy": "http://proxy:3128", "http_proxy": "http://proxy:3128", "no_proxy": "localhost", "all_proxy": "socks5://proxy",
        "PATH": "/usr/bin:/bin", "HOME": "/home/tester",
    ]

    @Test("the token, base URL and proxy variables are cleared, upper and lower case; everything else is kept")
    func cleared() {
        let child = ChildProcess.environment(to: Self.machine)
        #expect(child == ["PATH": "/usr/bin:/bin", "HOME": "/home/tester"])
        for name in Self.machine.keys where name != "PATH" && name != "HOME" {
            #expect(ChildProcess.clearedVariables.contains(name), "\(name) is not cleared")
        }
    }

    @Test("a token or base URL a test passes explicitly reaches the child")
    func explicit() async throws {
        let child = ChildProcess.environment(adding: ["RUNCOMFY_API_TOKEN": "t", "RUNCOMFY_BASE_URL": "http://127.0.0.1:9"], to: Self.machine)
        #expect(child["RUNCOMFY_API_TOKEN"] == "t" && child["RUNCOMFY_BASE_URL"] == "http://127.0.0.1:9")
        #expect(child["RUNCOMFY_TOKEN"] == nil && child["HTTPS_PROXY"] == nil)
        // And a real child sees exactly what it was given.
        let printed = try await ChildProcess.run("/usr/bin/env", [], environment: ["RUNCOMFY_API_TOKEN": "explicit"]).stdout
        let names = printed.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) }
        #expect(printed.contains("RUNCOMFY_API_TOKEN=explicit\n"))
        #expect(names.filter { ChildProcess.clearedVariables.contains($0) } == ["RUNCOMFY_API_TOKEN"], "\(names)")
    }
}
