import FuzzSupport
import JobManifest
import YAML
import JSON

/// One fuzz input read as a manifest, in both reading modes, which must agree. A manifest that reads must give
/// jobs whose ids are unique ignoring case and safe as file names, and whose bodies write JSON that parses back
/// to the same value. Every diagnostic is rendered with its source line.
func fuzzManifest(_ bytes: [UInt8]) {
    let input = Input.bytes(bytes, name: "fuzz.yaml")
    let folder = "/nonexistent-fuzz-folder"
    let jobs: Result<Manifest, ManifestError>
    let summary: Result<Manifest, ManifestError>
    do { jobs = .success(try ManifestReader(mode: .jobs).read(input, name: "fuzz.yaml", folder: folder)) } catch { jobs = .failure(error) }
    do { summary = .success(try ManifestReader(mode: .summary).read(input, name: "fuzz.yaml", folder: folder)) } catch { summary = .failure(error) }
    switch (jobs, summary) {
    case (.success(let full), .success(let counted)):
        precondition(full.jobCount == counted.jobCount && full.shotCount == counted.shotCount, "the modes counted differently")
        precondition(full.jobs.count == full.jobCount, "job count differs from the jobs kept")
        var seen = Set<String>()
        for job in full.jobs {
            precondition(seen.insert(job.id.lowercased()).inserted, "two jobs share an id ignoring case: \(job.id)")
            precondition(isSafeFileName(job.id), "unsafe id \(job.id)")
            let json = job.body.json(images: .digest)
            precondition((try? JSONValue.parse(json.compact)) == json, "body JSON does not parse back")
        }
    case (.failure(let a), .failure(let b)):
        precondition(a.diagnostics.filter { $0.severity == .error } == b.diagnostics.filter { $0.severity == .error },
                     "the modes found different errors")
        let source = SourceText(name: "fuzz.yaml", bytes: bytes)
        for diagnostic in a.diagnostics { _ = diagnostic.rendered(name: "fuzz.yaml", source: source) }
    default:
        preconditionFailure("one reading mode accepted what the other refused")
    }
}

/// `shot` or `scene/shot`, each part starting with a letter or digit (so never `.` or `..`), then letters,
/// digits, `.`, `_`, `-`, and an optional `~N`: a name that stays inside the run folder.
func isSafeFileName(_ id: String) -> Bool {
    let parts = id.split(separator: "/", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count) else { return false }
    return parts.allSatisfy { part in
        guard let first = part.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-~".unicodeScalars.contains($0)) }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzManifest(FuzzEntry.bytes(data, size))
    return 0
}
#else
/// Without libFuzzer: replays the files named on the command line.
@main
enum Replay {
    static func main() { FuzzEntry.replay(fuzzManifest) }
}
#endif
