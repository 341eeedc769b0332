import ArgumentParser
import JobManifest
import ResultsLedger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The executable's entry point, and the one place where errors become messages and exit codes.
public enum Entry {
    /// Runs `shotrunner` with the process's arguments and exits with the command's status.
    public static func main() async -> Never {
        let status: Int32
        do {
            var command = try RootCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            status = ExitStatus.success
        } catch {
            status = report(error, console: Console())
        }
        exit(status)
    }

    /// The exit status an error ends a command with (`report` prints it; `run` records it first).
    static func status(for error: any Error) -> Int32 {
        switch error {
        case CLIError.invalidManifests, CLIError.usage: ExitStatus.invalidInput
        case CLIError.setup: ExitStatus.fatalSetup
        case CLIError.ledger(LedgerError.locked): ExitStatus.locked
        case CLIError.ledger, CLIError.localIO: ExitStatus.localIO
        case CLIError.exit(let status): status
        case is ValidationError, is ExitCode, is CleanExit:
            RootCommand.exitCode(for: error) == .validationFailure ? ExitStatus.invalidInput : RootCommand.exitCode(for: error).rawValue
        default:
            // Parsing failed before any command ran: argument-parser's own errors (usage: exit 2, not its 64).
            isArgumentParserError(error) ? (RootCommand.exitCode(for: error) == .validationFailure ? ExitStatus.invalidInput : RootCommand.exitCode(for: error).rawValue) : ExitStatus.internalError
        }
    }

    /// Whether an error comes from argument-parser (its parse errors are internal types): its message names
    /// a usage problem, and its exit code is not 1.
    private static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// An error in one line, for a notification (`nil` where the exit code says it all).
    static func briefly(_ error: any Error) -> String? {
        switch error {
        case CLIError.invalidManifests(let count): "\(count) invalid manifest\(count == 1 ? "" : "s")"
        case CLIError.setup(let message), CLIError.usage(let message), CLIError.localIO(let message): message
        case CLIError.ledger(let error): "\(error)"
        case CLIError.exit: nil
        default: status(for: error) == ExitStatus.internalError ? "internal error (a bug in shotrunner)" : nil
        }
    }

    /// Prints what the user needs to know of an error and returns the exit status for it.
    static func report(_ error: any Error, console: Console) -> Int32 {
        switch error {
        case CLIError.invalidManifests:
            return ExitStatus.invalidInput  // the diagnostics are already printed
        case CLIError.setup(let message):
            console.err("error: \(message)")
            return ExitStatus.fatalSetup
        case CLIError.usage(let message):
            console.err("error: \(message)")
            return ExitStatus.invalidInput
        case CLIError.localIO(let message):
            console.err("error: \(message)")
            return ExitStatus.localIO
        case CLIError.ledger(let error):
            console.err("error: \(error)")
            if case LedgerError.locked = error { return ExitStatus.locked }
            return ExitStatus.localIO
        case CLIError.exit(let status):
            return status
        case _ where status(for: error) == ExitStatus.internalError:
            console.err(
                "internal error: \(String(reflecting: error))\nThis is a bug in shotrunner, not in your manifest or account: please report it with the command "
                    + "you ran and this message. The run folder's ledger is consistent; running again resumes."
            )
            return ExitStatus.internalError
        default:
            // argument-parser's own: help and version (exit 0), usage errors (exit 2, not its 64).
            let message = RootCommand.fullMessage(for: error)
            let code = RootCommand.exitCode(for: error)
            if code == .success {
                if !message.isEmpty { console.out(message) }
                return ExitStatus.success
            }
            if !message.isEmpty { console.err(message) }
            return code == .validationFailure ? ExitStatus.invalidInput : code.rawValue
        }
    }
}
