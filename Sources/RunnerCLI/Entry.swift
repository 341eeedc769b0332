import ArgumentParser

/// The executable's entry point: parses the arguments, runs the command, exits with its code.
public enum Entry {
    /// Runs `shotrunner` with the process's arguments.
    public static func main() async {
        await RootCommand.main()
    }
}
