import SharedLedger
import Testing

/// `--ledger postgres://...`: what a URL says, what it may not say, and that the password is never shown.
@Suite("ledger URL")
struct LedgerURLTests {
    @Test("user, password, host, port, database and sslmode; the password from PGPASSWORD when the URL has none")
    func parts() throws {
        let url = try LedgerURL("postgres://ana:s%40cret%3A1@db.internal:6543/renders?sslmode=require")
        #expect(url.user == "ana" && url.password == "s@cret:1" && url.host == "db.internal" && url.port == 6543)
        #expect(url.database == "renders" && url.tls == .require)
        #expect(!url.description.contains("cret") && url.description == "postgres://ana@db.internal:6543/renders?sslmode=require")
        let plain = try LedgerURL("postgresql://bo@[::1]/b", environment: ["PGPASSWORD": "pw"])
        #expect(plain.host == "::1" && plain.port == 5432 && plain.password == "pw" && plain.tls == .prefer)
        #expect(try LedgerURL("postgres://c:given@h/d", environment: ["PGPASSWORD": "pw"]).password == "given")
        // A Unix socket's folder, as libpq takes it (the host may then be left out).
        let socket = try LedgerURL("postgres://ana@/renders?host=%2Fvar%2Frun%2Fpostgresql&sslmode=disable")
        #expect(socket.socketDirectory == "/var/run/postgresql" && socket.host.isEmpty && socket.port == 5432)
        #expect(socket.description.hasSuffix("&host=/var/run/postgresql"))
        #expect(try LedgerURL(socket.description).socketDirectory == "/var/run/postgresql")
    }

    @Test("what a ledger URL may not be, each said in words")
    func invalid() {
        for (text, words) in [
            ("mysql://a@h/d", "starts with postgres://"), ("postgres://h/d", "names no user"), ("postgres://a@h", "names no database"),
            ("postgres://a@h:99999/d", "port"), ("postgres://a@h/d?sslmode=maybe", "sslmode 'maybe'"), ("postgres://a@h/d?timeout=3", "the options sslmode"),
            ("postgres://a@h/d?host=relative/dir", "absolute path"),
            ("postgres://a@/d", "names no host"),
        ] {
            do {
                _ = try LedgerURL(text)
                Issue.record("\(text) was taken")
            } catch {
                #expect(error.description.contains(words), "\(text): \(error.description)")
            }
        }
    }
}
