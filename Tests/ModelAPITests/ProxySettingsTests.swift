import ModelAPI
import Testing

@Suite("Proxies from the environment")
struct ProxySettingsTests {
    @Test("HTTPS_PROXY for https, HTTP_PROXY for http, lower case first; credentials kept and never shown")
    func choosing() throws {
        let (settings, problems) = ProxySettings.from(environment: [
            "HTTPS_PROXY": "http://upper:1", "https_proxy": "http://user:p%40ss@proxy.corp:3128", "HTTP_PROXY": "plain.corp",
        ])
        #expect(problems.isEmpty)
        let https = try #require(settings.proxy(for: "https://model-api.runcomfy.net/v1/models/x"))
        #expect(https.host == "proxy.corp" && https.port == 3128 && https.username == "user" && https.password == "p@ss")
        #expect(https.description == "http://***@proxy.corp:3128")
        let http = try #require(settings.proxy(for: "http://127.0.0.1:8080/files/a.mp4"))
        #expect(http.host == "plain.corp" && http.port == 1080 && http.username == nil)
        #expect(!settings.description.contains("p@ss") && !settings.description.contains("user"))
    }

    @Test("NO_PROXY: *, the host, its domains, a port when given")
    func bypassing() {
        let settings = ProxySettings.from(environment: [
            "HTTPS_PROXY": "http://proxy:3128", "HTTP_PROXY": "http://proxy:3128", "NO_PROXY": " .internal.corp, 10.0.0.7 ,localhost:8080",
        ]).settings
        #expect(settings.proxy(for: "https://api.internal.corp/x") == nil)
        #expect(settings.proxy(for: "https://internal.corp/x") == nil)
        #expect(settings.proxy(for: "https://notinternal.corp/x") != nil)
        #expect(settings.proxy(for: "http://10.0.0.7/x") == nil)
        #expect(settings.proxy(for: "http://localhost:8080/x") == nil)
        #expect(settings.proxy(for: "http://localhost:9090/x") != nil)
        let all = ProxySettings.from(environment: ["HTTPS_PROXY": "http://proxy:3128", "no_proxy": "*"]).settings
        #expect(all.proxy(for: "https://anything.example/x") == nil)
    }

    @Test("a proxy variable that is not a proxy URL is reported and not used")
    func unusable() {
        let (settings, problems) = ProxySettings.from(environment: ["HTTPS_PROXY": "ftp://proxy:21"])
        #expect(settings.https == nil)
        #expect(problems.count == 1 && problems[0].contains("HTTPS_PROXY"))
    }
}
