// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: Swift 6 mode plus the upcoming features `style.md` asks for.
let sharedSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let heap: Target.Dependency = .product(name: "HeapModule", package: "swift-collections")
let nioLocks: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let postgres: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")

var package = Package(
    name: "shotrunner",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shotrunner", targets: ["shotrunner"]),
        .library(name: "YAML", targets: ["YAML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Already built for swift-nio (its Deque): its Heap is the scheduler's ready queue and the graph's order.
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // The shared ledger's PostgreSQL client (connection pool, typed queries): no hand-written wire protocol.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already built for the HTTP client and postgres-nio: the shared ledger's sslmode is set through it.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // The system libyaml (Debian: libyaml-dev). Only the YAML module imports it.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAML", dependencies: ["CYAML"]),
        // JSON's one reader and one writer (canonical bytes for keys, the ledger, API answers, the CLI's outputs),
        // and the package's one hex encoder.
        .target(name: "JSON"),
        // Files written whole or not at all: write, fsync, rename, fsync the folder.
        .target(name: "AtomicFiles"),
        .target(name: "JobManifest", dependencies: ["YAML", "JSON", "ModelCatalog", "MediaTools", crypto, heap]),
        .target(name: "ModelAPI", dependencies: ["MediaTools", "JSON", "AtomicFiles", asyncHTTPClient, httpTypes, nioCore, nioHTTP1, nioLocks, crypto]),
        .target(name: "ResultsLedger", dependencies: ["JSON", "AtomicFiles", nioLocks]),
        // The ledger as a PostgreSQL database shared by many workers: the store protocol's second implementation.
        .target(name: "SharedLedger", dependencies: ["ResultsLedger", "AtomicFiles", postgres, nioSSL, logging]),
        .target(name: "Scheduling", dependencies: ["JobManifest", "JSON", "ModelAPI", "ResultsLedger", "AtomicFiles", nioLocks, heap]),
        // The model catalogue: the schema dialect read into values, the shipped snapshot, saved catalogue responses.
        .target(name: "ModelCatalog", dependencies: ["JSON"]),
        // ffmpeg and ffprobe as child processes (the animatic, slates, the simulator's timed clips).
        .target(name: "MediaTools"),
        // The cut as an editor's timeline, and its exports (OTIO, CMX 3600 EDL, Final Cut 7 XML, FCPXML).
        .target(name: "Timeline", dependencies: ["JSON"]),
        .target(name: "ChildProcessSupport"),
        // SIGINT and SIGTERM as a run sees them.
        .target(name: "ProcessSignals"),
        .target(
            name: "RunnerTestSupport",
            dependencies: ["ModelAPI", "JobManifest", "MediaTools", "ResultsLedger", "JSON", nioLocks, crypto]
        ),
        .target(
            name: "APISimulator",
            // ModelCatalog for the snapshot's text only: the simulator reads the schemas with its own code.
            dependencies: ["JSON", "MediaTools", "ModelCatalog", hummingbird, httpTypes, nioCore, nioLocks, crypto, logging],
            exclude: ["Resources"]
        ),
        .target(
            name: "RunnerCLI",
            dependencies: [
                "YAML", "JSON", "AtomicFiles", "JobManifest", "ModelAPI", "ResultsLedger", "Scheduling", "APISimulator", "ProcessSignals", "SharedLedger",
                "Timeline", "MediaTools", "ModelCatalog", argumentParser, logging, crypto, httpTypes,
            ]
        ),
        .executableTarget(name: "shotrunner", dependencies: ["RunnerCLI"]),
        .executableTarget(name: "yaml-bench", dependencies: ["YAML"], path: "Benchmarks/yaml-bench"),
        // libFuzzer targets (`make fuzz`); built without -DFUZZING they replay the files they are given.
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "yaml-fuzz", dependencies: ["YAML", "FuzzSupport"], path: "Fuzz/YAMLFuzz"),
        .executableTarget(name: "manifest-fuzz", dependencies: ["JobManifest", "JSON", "YAML", "FuzzSupport"], path: "Fuzz/ManifestFuzz"),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "ChildProcessSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "JobManifestTests", dependencies: ["JobManifest", "JSON", "YAML", "ModelCatalog"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ModelAPITests",
            dependencies: ["ModelAPI", "JobManifest", "JSON", "YAML", "APISimulator", hummingbird, asyncHTTPClient, httpTypes, nioCore, nioLocks, logging],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "SchedulingTests",
            dependencies: ["Scheduling", "ResultsLedger", "JobManifest", "JSON", "ModelAPI", "RunnerTestSupport", "YAML", nioLocks]
        ),
        .testTarget(name: "ProcessSignalsTests", dependencies: ["ProcessSignals"]),
        .testTarget(name: "TimelineTests", dependencies: ["Timeline", "ChildProcessSupport"]),
        .testTarget(name: "ModelCatalogTests", dependencies: ["ModelCatalog", "JSON"]),
        .testTarget(name: "RunnerCLITests", dependencies: ["RunnerCLI", "RunnerTestSupport", "ChildProcessSupport"]),
        .testTarget(name: "SharedLedgerTests", dependencies: ["SharedLedger", "ResultsLedger", "ChildProcessSupport", postgres, logging]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}

/// `make test-sanitize` builds the package twice more, under AddressSanitizer and ThreadSanitizer. With
/// SHOTRUNNER_SANITIZE_SUBSET set, the package holds only what that run tests, so neither build compiles the
/// HTTP server, the CLI or (for `address`) the HTTP client again: CI stays well inside its time.
let sanitizeSubsets: [String: Set<String>] = [
    "address": ["CYAML", "YAML", "JSON", "ModelCatalog", "MediaTools", "JobManifest", "ChildProcessSupport", "YAMLTests", "JSONTests", "JobManifestTests"],
    "thread": [
        "CYAML", "YAML", "ModelCatalog", "MediaTools", "JobManifest", "ModelAPI", "ResultsLedger", "Scheduling", "RunnerTestSupport",
        "SchedulingTests", "JSON", "AtomicFiles",
        // Not ProcessSignalsTests: on Linux, ThreadSanitizer does not see Synchronization.Mutex (a futex) as a lock
        // and reports every guarded access from two threads as a race (seen on SignalTally).
    ],
]
if let name = Context.environment["SHOTRUNNER_SANITIZE_SUBSET"], let keep = sanitizeSubsets[name] {
    package.targets = package.targets.filter { keep.contains($0.name) }
    package.products = package.products.filter { $0.name == "YAML" }
}
