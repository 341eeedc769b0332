internal import CYAML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a YAML stream as libyaml's events, one at a time.
///
/// The reader owns libyaml's parser, its input buffer and its file; all are freed when the reader goes away,
/// whether the stream was read to its end or stopped at an error. After an error, `next()` throws it again.
public final class EventReader {
    /// Where the text comes from.
    public let input: Input
    /// The input's size in bytes, when known before reading (a file's size, a buffer's length).
    public let byteCount: Int

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var file: UnsafeMutablePointer<FILE>?
    private var buffer: UnsafeMutableBufferPointer<UInt8>?
    private var finished = false
    private var failure: YAMLError?

    /// Opens `input`. A file must be a regular file that can be read.
    public init(_ input: Input) throws(YAMLError) {
        self.input = input
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw .unreadable(path: input.name, reason: "libyaml could not allocate a parser")
        }
        switch input {
        case .bytes(let bytes, _):
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            _ = copy.initialize(from: bytes)
            buffer = copy
            byteCount = bytes.count
            yaml_parser_set_input_string(parser, copy.baseAddress, bytes.count)
        case .file(let path):
            do {
                let (handle, size) = try Self.openRegularFile(path)
                file = handle
                byteCount = size
                yaml_parser_set_input_file(parser, handle)
            } catch {
                yaml_parser_delete(parser)
                parser.deallocate()
                throw error
            }
        }
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        if let file { fclose(file) }
        buffer?.deallocate()
    }

    /// The next event, or `nil` after the stream's end.
    public func next() throws(YAMLError) -> Event? {
        if let failure { throw failure }
        if finished { return nil }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let error = currentError()
            failure = error
            throw error
        }
        defer { yaml_event_delete(&event) }
        let result = Self.convert(&event)
        if case .streamEnd = result.kind {
            finished = true
            if let change = fileChange() {
                failure = change
                throw change
            }
        }
        return result
    }

    /// At the end of a file: an error if the file now has another size than when it was opened, or than what
    /// was read (it was written to while it was read, so what was parsed may be half of an edit).
    private func fileChange() -> YAMLError? {
        guard let file, case .file(let path) = input else { return nil }
        var info = stat()
        let now = fstat(fileno(file), &info) == 0 ? Int(info.st_size) : -1
        let consumed = Int(parser.pointee.offset)
        guard now != byteCount || consumed != byteCount else { return nil }
        return .unreadable(
            path: path,
            reason: "the file changed while it was read (\(byteCount) bytes when opened, \(max(now, consumed)) at the end); "
                + "run again once it is completely written"
        )
    }

    // MARK: - Converting libyaml's structures

    private static func convert(_ event: inout yaml_event_t) -> Event {
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        let kind: Event.Kind
        switch event.type {
        case YAML_STREAM_START_EVENT:
            kind = .streamStart
        case YAML_STREAM_END_EVENT:
            kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            kind = .documentStart(explicit: event.data.document_start.implicit == 0)
        case YAML_DOCUMENT_END_EVENT:
            kind = .documentEnd(explicit: event.data.document_end.implicit == 0)
        case YAML_ALIAS_EVENT:
            kind = .alias(anchor: cString(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            kind = .scalar(
                value: text(scalar.value, scalar.length),
                anchor: cString(scalar.anchor),
                tag: YAMLTag(name: cString(scalar.tag)),
                style: scalarStyle(scalar.style)
            )
        case YAML_SEQUENCE_START_EVENT:
            let sequence = event.data.sequence_start
            kind = .sequenceStart(
                anchor: cString(sequence.anchor),
                tag: YAMLTag(name: cString(sequence.tag)),
                style: sequence.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block
            )
        case YAML_SEQUENCE_END_EVENT:
            kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let mapping = event.data.mapping_start
            kind = .mappingStart(
                anchor: cString(mapping.anchor),
                tag: YAMLTag(name: cString(mapping.tag)),
                style: mapping.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block
            )
        case YAML_MAPPING_END_EVENT:
            kind = .mappingEnd
        default:
            // libyaml emits no other event from a successful parse; treat one as the stream's end
            // rather than crash on a library we do not control.
            kind = .streamEnd
        }
        return Event(kind, start: start, end: end)
    }

    private static func mark(_ mark: yaml_mark_t) -> Mark {
        Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ count: Int) -> String {
        guard let pointer, count > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func scalarStyle(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private func currentError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        switch state.error {
        case YAML_READER_ERROR:
            let offset = Int(state.problem_offset)
            let mark = SourceText.load(input)?.mark(atByteOffset: offset) ?? Self.mark(state.mark)
            var message = problem
            if state.problem_value >= 0 {
                message += " (byte 0x" + String(UInt8(truncatingIfNeeded: state.problem_value), radix: 16) + ")"
            } else if problem == "input error" {
                message = "the input could not be read"
            }
            return .invalidInput(message: message, mark: mark)
        case YAML_MEMORY_ERROR:
            return .invalidInput(message: "libyaml ran out of memory", mark: Self.mark(state.mark))
        default:
            let context = state.context.map { String(cString: $0) }
            return .syntax(
                message: problem,
                mark: Self.mark(state.problem_mark),
                context: context,
                contextMark: context == nil ? nil : Self.mark(state.context_mark)
            )
        }
    }

    // MARK: - Files

    /// Opens without blocking (a FIFO must not hang the reader), then insists on a regular file.
    private static func openRegularFile(_ path: String) throws(YAMLError) -> (UnsafeMutablePointer<FILE>, Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreadable(path: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            let what = (info.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "it is not a regular file"
            throw .unreadable(path: path, reason: what)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        guard let handle = fdopen(fd, "rb") else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreadable(path: path, reason: reason)
        }
        return (handle, Int(info.st_size))
    }
}
