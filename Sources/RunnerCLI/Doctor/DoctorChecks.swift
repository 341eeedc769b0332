import Foundation
import JobManifest
import ModelAPI
import ModelCatalog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks `doctor` makes, each on its own: the API (base URL, token, price, from one `GET /v1/models/{id}`),
/// the catalogue's age, ffmpeg, free disk space, and a run folder's lock.
enum DoctorChecks {
    /// Free space below this fails the disk check.
    static let minimumFreeBytes: UInt64 = 1 << 30
    /// A catalogue older than this is a warning.
    static let catalogueMaxAge: TimeInterval = 30 * 24 * 3600

    /// The base URL (any HTTP answer passes), the token (a 2xx answer), and the price (readable in it).
    static func api(baseURL: String, token: Token?, modelID: String) async -> [DoctorCheck] {
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(3))
        var configuration = HTTPModelAPIClient.Configuration(baseURL: baseURL)
        configuration.pollReadTimeout = .seconds(5)
        let client = HTTPModelAPIClient(configuration: configuration, token: token ?? Token(""), transport: transport)
        let url = baseURL + "/v1/models/" + modelID
        var checks: [DoctorCheck] = []
        do {
            let info = try await client.modelInfo(modelID: modelID)
            checks.append(DoctorCheck(name: "base URL", outcome: .pass, detail: "\(url) answered"))
            checks.append(token == nil
                ? DoctorCheck(name: "token", outcome: .fail, detail: "no token: set RUNCOMFY_API_TOKEN or use --token-file FILE")
                : DoctorCheck(name: "token", outcome: .pass, detail: "accepted"))
            if let price = info.basePriceUSD {
                checks.append(DoctorCheck(name: "price", outcome: .pass, detail: "\(modelID): USD \(price) per \(info.priceUnit ?? "second")"))
            } else {
                checks.append(DoctorCheck(name: "price", outcome: .fail, detail: "the answer for \(modelID) carries no base_price_usd"))
            }
        } catch {
            if let status = error.httpStatus {
                checks.append(DoctorCheck(name: "base URL", outcome: .pass, detail: "\(url) answered (HTTP \(status))"))
                let why = token == nil
                    ? "no token: set RUNCOMFY_API_TOKEN or use --token-file FILE"
                    : [401, 403].contains(status) ? "refused (HTTP \(status): \(error.message)); check the token" : "HTTP \(status): \(error.message)"
                checks.append(DoctorCheck(name: "token", outcome: .fail, detail: why))
            } else {
                checks.append(DoctorCheck(name: "base URL", outcome: .fail, detail: "\(url): \(error.message); check --base-url, RUNCOMFY_BASE_URL and any proxy"))
                checks.append(DoctorCheck(name: "token", outcome: .fail, detail: "not checked: the API did not answer"))
            }
            checks.append(DoctorCheck(name: "price", outcome: .fail, detail: "not readable: the API gave no price (\(error.code))"))
        }
        await transport.shutdown()
        return checks
    }

    /// The catalogue cache's age (a warning past 30 days, never a failure).
    static func catalogue(environment: [String: String], now: Date = Date()) -> DoctorCheck {
        let path = Catalog.cachePath(environment: environment)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let modified = attributes[.modificationDate] as? Date else {
            return DoctorCheck(name: "catalogue", outcome: .warn, detail: "no refreshed catalogue at \(path): the built-in model tables are used")
        }
        let days = Int(now.timeIntervalSince(modified) / 86_400)
        if now.timeIntervalSince(modified) > catalogueMaxAge {
            return DoctorCheck(name: "catalogue", outcome: .warn, detail: "\(path) is \(days) days old: refresh it")
        }
        return DoctorCheck(name: "catalogue", outcome: .pass, detail: "\(path), \(days) day\(days == 1 ? "" : "s") old")
    }

    /// ffmpeg on PATH (a warning when missing: only frames and `assemble` need it).
    static func ffmpeg(environment: [String: String]) -> DoctorCheck {
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(folder) + "/ffmpeg"
            if access(candidate, X_OK) == 0 { return DoctorCheck(name: "ffmpeg", outcome: .pass, detail: candidate) }
        }
        return DoctorCheck(name: "ffmpeg", outcome: .warn, detail: "not found on PATH: frames from clips and `assemble` need it (Debian: apt-get install ffmpeg)")
    }

    /// Free space where the run folder is (or would be): fails below 1 GiB.
    static func disk(folder: String) -> DoctorCheck {
        var path = folder
        var info = statvfs()
        while statvfs(path, &info) != 0 {
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { path = "/"; break }
            path = String(path[..<slash])
        }
        if statvfs(path, &info) != 0 { return DoctorCheck(name: "disk", outcome: .fail, detail: "cannot read free space of \(folder)") }
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        let shown = String(format: "%.1f GiB free in %@", Double(free) / Double(1 << 30), path)
        return free < minimumFreeBytes
            ? DoctorCheck(name: "disk", outcome: .fail, detail: shown + " (at least 1 GiB needed)")
            : DoctorCheck(name: "disk", outcome: .pass, detail: shown)
    }

    /// Whether another process holds the run folder's lock (looked at, never kept, the folder never made).
    static func lock(folder: String?) -> DoctorCheck {
        guard let folder else { return DoctorCheck(name: "lock", outcome: .skip, detail: "skipped: no --out given") }
        let lockPath = folder + "/.lock"
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return DoctorCheck(name: "lock", outcome: .pass, detail: "\(folder) is not locked") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &bytes, bytes.count)
            let pid = count > 0 ? String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            return DoctorCheck(name: "lock", outcome: .fail, detail: "\(folder) is locked by process \(pid) (a run, cancel, adopt or pick is writing it)")
        }
        flock(fd, LOCK_UN)
        return DoctorCheck(name: "lock", outcome: .pass, detail: "\(folder) is not locked")
    }
}
