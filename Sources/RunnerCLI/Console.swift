import AtomicFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only place that writes to the terminal: standard output for results, standard error for diagnostics.
struct Console: Sendable {
    /// Writes a line (or lines) to standard output.
    func out(_ text: String) {
        write(text + "\n", to: 1)
    }

    /// Writes bytes and a newline to standard output (a large document without copying it into a `String`).
    func out(bytes: [UInt8]) {
        write(bytes, to: 1)
        write("\n", to: 1)
    }

    /// Writes a line (or lines) to standard error; `terminator: ""` for a line redrawn in place.
    func err(_ text: String, terminator: String = "\n") {
        write(text + terminator, to: 2)
    }

    /// Writes bytes to standard output as they are and empties them: the `flush` of a document written to standard
    /// output as it is made.
    func send(_ bytes: inout [UInt8]) {
        write(bytes, to: 1)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Writes text to standard output as it is (no newline).
    func write(_ text: String) {
        write(text, to: 1)
    }

    /// Whether standard input and output are a terminal.
    var isTerminal: Bool {
        isatty(0) == 1 && isatty(1) == 1
    }

    /// Reads a line from standard input (nil at its end).
    func readLine() -> String? {
        Swift.readLine()
    }

    private func write(_ text: String, to descriptor: Int32) {
        write(Array(text.utf8), to: descriptor)
    }

    private func write(_ bytes: [UInt8], to descriptor: Int32) {
        _ = Self.writeAll(bytes, to: descriptor)
    }

    /// Writes every byte to `descriptor`, again after an interruption; false if a write fails.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        WriteAll.write(descriptor, bytes).errno == nil
    }
}
