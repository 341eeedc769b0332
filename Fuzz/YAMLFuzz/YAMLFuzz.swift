import FuzzSupport
import YAML

/// One fuzz input through the YAML layer: every event, the tree composed on one thread and on two (which must
/// agree), and every error rendered with its source line. A crash, a hang, a leak or a disagreement is a finding.
func fuzzYAML(_ bytes: [UInt8]) {
    let input = Input.bytes(bytes, name: "fuzz.yaml")
    if let reader = try? EventReader(input) {
        while (try? reader.next()) != nil {}
    }
    let sequential: Result<[Node], YAMLError>
    let pipelined: Result<[Node], YAMLError>
    do { sequential = .success(try Loader(pipelineThreshold: Int.max).loadAll(input)) } catch { sequential = .failure(error) }
    do { pipelined = .success(try Loader(pipelineThreshold: 0).loadAll(input)) } catch { pipelined = .failure(error) }
    switch (sequential, pipelined) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "the pipelined loader composed another tree")
    case (.failure(let a), .failure(let b)):
        precondition(a.code == b.code, "the pipelined loader failed differently: \(a.code) vs \(b.code)")
        let source = SourceText(name: "fuzz.yaml", bytes: bytes)
        _ = a.rendered(source: source, name: "fuzz.yaml")
    default:
        preconditionFailure("one loader succeeded where the other failed")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzYAML(FuzzEntry.bytes(data, size))
    return 0
}
#else
/// Without libFuzzer: replays the files named on the command line.
@main
enum Replay {
    static func main() { FuzzEntry.replay(fuzzYAML) }
}
#endif
