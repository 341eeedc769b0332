public import ArgumentParser

/// `shotrunner`: renders storyboards as video through the RunComfy Model API.
public struct RootCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "shotrunner",
        abstract: "Render storyboards as video through the RunComfy Model API.",
        discussion: """
            A YAML manifest lists shots (a start image, a prompt, an optional end image, optional multi-prompt \
            segments). shotrunner checks it, expands it into jobs, and renders them with bounded concurrency, \
            keeping a ledger so an interrupted batch resumes without paying twice.

            Documentation: docs/manifest.md, docs/commands.md, docs/operations.md.
            """,
        version: Version.current,
        subcommands: [ValidateCommand.self, PlanCommand.self, RunCommand.self, StatusCommand.self, ReportCommand.self, CancelCommand.self, AdoptCommand.self, SimulateCommand.self, DoctorCommand.self, PickCommand.self, ApproveCommand.self, RetakeCommand.self, ReviewCommand.self, AssembleCommand.self, DBCommand.self, LedgerCommand.self, ModelsCommand.self]
    )

    public init() {}
}
