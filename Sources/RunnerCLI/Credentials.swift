import ModelAPI


/// Where the token and the base URL come from: `--token-file`, then `RUNCOMFY_API_TOKEN`, then `RUNCOMFY_TOKEN`
/// (an empty value counts as unset); `--base-url`, then `RUNCOMFY_BASE_URL`, then the public API.
struct Credentials {
    static let defaultBaseURL = "https://model-api.runcomfy.net"

    /// The token, or `nil` when none is given. A token file that others may read is refused, as ssh refuses a key.
    static func token(file: String?, environment: [String: String]) throws(CLIError) -> Token? {
        if let file { return try readTokenFile(file) }
        for name in ["RUNCOMFY_API_TOKEN", "RUNCOMFY_TOKEN"] {
            if let value = environment[name]?.trimmingCharacters(), !value.isEmpty { return Token(value) }
        }
        return nil
    }

    /// The base URL to talk to.
    static func baseURL(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let value = environment["RUNCOMFY_BASE_URL"], !value.isEmpty { return value }
        return defaultBaseURL
    }

    private static func readTokenFile(_ path: String) throws(CLIError) -> Token {
        do {
            return try Token.read(fromFile: path)
        } catch {
            throw .setup(error.description)
        }
    }
}

extension String {
    /// Without leading and trailing whitespace and line breaks.
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
