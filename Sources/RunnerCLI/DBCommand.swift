import ArgumentParser
import Foundation
import Logging
import SharedLedger

/// `shotrunner db migrate --ledger URL`
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The shared ledger's database (PostgreSQL).",
        subcommands: [Migrate.self]
    )

    /// `shotrunner db migrate`
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Create or upgrade the shared ledger's tables (versioned migrations, each in one transaction; safe from many workers at once).",
            discussion: """
                The URL is postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require|verify-full], from \
                --ledger or SHOTRUNNER_LEDGER_URL; a password missing from it is read from PGPASSWORD. The password is \
                never printed. Exit 0 when the database is at this version's schema, 2 for a URL that cannot be used, 3 \
                when the database cannot be reached or refuses.
                """
        )

        @Option(help: ArgumentHelp("The shared ledger (also SHOTRUNNER_LEDGER_URL).", valueName: "postgres://..."))
        var ledger: String?

        func run() async throws {
            let url = try LedgerOption.url(ledger, environment: ProcessInfo.processInfo.environment, hint: "")
            do {
                let before = try await SharedLedgerSchema.migrate(url, timeout: .seconds(10), logger: LedgerOption.quiet)
                guard let before else { throw CLIError.setup("the shared ledger at \(url) did not answer within 10 s") }
                let now = SharedLedgerSchema.current
                Console().out(before == now ? "\(url): schema version \(now), nothing to do" : "\(url): schema version \(before) -> \(now)")
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError.setup("the shared ledger at \(url) could not be migrated: \(String(describing: error))")
            }
        }
    }
}
