// yaml-bench: composes a YAML file into the node tree and prints the wall time and peak memory as JSON, in the
// same shape as Tools/yaml-scan (the C floor), so `make bench-yaml` can set them side by side.
//   yaml-bench FILE            {"seconds": 1.52, "peak_rss_bytes": 120000000, "nodes": 1300000}
//   yaml-bench --events FILE   the same for reading the events only (the Swift event API's own cost)
//   yaml-bench --sequential FILE   composing without the second parsing thread
import YAML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func count(_ node: Node) -> Int {
    switch node {
    case .scalar: 1
    case .sequence(let sequence): sequence.items.reduce(1) { $0 + count($1) }
    case .mapping(let mapping): mapping.pairs.reduce(1) { $0 + count($1.key) + count($1.value) }
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// The process's peak resident memory (VmHWM; ru_maxrss would keep the parent's peak across fork and exec).
func peakResidentBytes() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            return (Int(text.dropFirst(6).filter(\.isNumber)) ?? 0) * 1024
        }
    }
    return 0
}

let arguments = CommandLine.arguments
let eventsOnly = arguments.count == 3 && arguments[1] == "--events"
let sequential = arguments.count == 3 && arguments[1] == "--sequential"
guard arguments.count == 2 || eventsOnly || sequential, let path = arguments.last else {
    printError("usage: yaml-bench [--events | --sequential] FILE")
    exit(2)
}
let clock = ContinuousClock()
let start = clock.now
do {
    var counted: (String, Int)
    var document: Node?
    if eventsOnly {
        let reader = try EventReader(.file(path: path))
        var events = 0
        while try reader.next() != nil { events += 1 }
        counted = ("events", events)
    } else {
        document = try Loader(pipelineThreshold: sequential ? .max : 1 << 20).loadSingle(.file(path: path))
        counted = ("nodes", 0)
    }
    let elapsed = clock.now - start
    if let document { counted.1 = count(document) }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("{\"seconds\": \(seconds), \"peak_rss_bytes\": \(peakResidentBytes()), \"\(counted.0)\": \(counted.1)}")
} catch {
    printError("\(path): \(error)")
    exit(1)
}
