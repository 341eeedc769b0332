// yaml-bench: composes a YAML file into the node tree and prints the wall time and peak memory as JSON, in the
// same shape as Tools/yaml-scan (the C floor), so `make bench-yaml` can set them side by side.
//   yaml-bench FILE        {"seconds": 1.52, "peak_rss_bytes": 120000000, "nodes": 1300000}
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

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    printError("usage: yaml-bench FILE")
    exit(2)
}
let clock = ContinuousClock()
let start = clock.now
do {
    let document = try Loader().loadSingle(.file(path: arguments[1]))
    let elapsed = clock.now - start
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let nodes = document.map(count) ?? 0
    print("{\"seconds\": \(seconds), \"peak_rss_bytes\": \(usage.ru_maxrss * 1024), \"nodes\": \(nodes)}")
} catch {
    printError("\(arguments[1]): \(error)")
    exit(1)
}
