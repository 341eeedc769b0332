import ArgumentParser
import AtomicFiles
import Foundation
import JSON
import ModelAPI
import ModelCatalog
import ResultsLedger
import JobManifest

/// `shotrunner models refresh [--base-url URL] [--token-file F]`: the live catalogue, every page, into the cache.
struct ModelsRefresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch the live catalogue (every page) into the cache; say which models were added, removed or changed.",
        discussion: """
            Asks GET /v1/models?include_schema=true, following the next page (next_cursor sent back as cursor while \
            has_more, or a next URL on the API's host) and refusing a page loop; needs a token. Writes \
            $XDG_CACHE_HOME/shotrunner/catalog.json (else ~/.cache/shotrunner/) atomically, with the time it was \
            fetched; validate, plan, run and models read it from then on. A run folder whose completed jobs' defaults \
            the new catalogue changes is caught at its next run (see --accept-catalog-change).
            """
    )

    @Option(name: .customLong("base-url"), help: "The API's base URL (default: RUNCOMFY_BASE_URL, else https://model-api.runcomfy.net).")
    var baseURL: String?

    @Option(name: .customLong("token-file"), help: "Read the API token from this file (mode 600) instead of RUNCOMFY_API_TOKEN.")
    var tokenFile: String?

    /// No catalogue has more pages than this; past it the paging is taken for a loop.
    static let maxPages = 1_000

    func run() async throws {
        let console = Console()
        let environment = ProcessInfo.processInfo.environment
        guard let token = try Credentials.token(file: tokenFile, environment: environment) else {
            throw CLIError.setup("models refresh needs an API token: set RUNCOMFY_API_TOKEN (or use --token-file FILE)")
        }
        let base = Credentials.baseURL(option: baseURL, environment: environment)
        let (proxies, _) = ProxySettings.from(environment: environment)
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(5), proxies: base.hasPrefix("http://127.0.0.1") ? .direct : proxies)
        let client = HTTPModelAPIClient(configuration: .init(baseURL: base), token: token, transport: transport)
        let entries: [JSONValue]
        do {
            entries = try await Self.fetchAll(client, console: console)
            await transport.shutdown()
        } catch {
            await transport.shutdown()
            throw error
        }
        let models = entries.filter { !(($0["model_id"] ?? $0["id"])?.string ?? "").isEmpty }
        let path = Catalog.cachePath(environment: environment)
        let previous = Self.previous(path: path)
        let fetchedAt = Timestamp.now()
        let document = JSONValue.object([
            ("fetched_at", .string(fetchedAt)), ("source", .string("api")), ("base_url", .string(base)), ("models", .array(models)),
        ])
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(document.compactBytes + [0x0A], to: path)
        } catch {
            throw CLIError.localIO("writing the catalogue cache \(path) failed: \(error)")
        }
        console.out(Self.changes(from: previous, to: models, skipped: entries.count - models.count, path: path))
    }

    /// Every page, in order.
    static func fetchAll(_ client: HTTPModelAPIClient, console: Console) async throws -> [JSONValue] {
        var entries: [JSONValue] = []
        var next: CatalogPage.Next?
        var seen: Set<String> = []
        for number in 1...maxPages {
            let json: JSONValue
            do {
                switch next {
                case .cursor(let cursor)?: json = try await client.catalogPage(cursor: cursor)
                case .url(let url)?: json = try await client.catalogPage(nextURL: url)
                case nil: json = try await client.catalogPage()
                }
            } catch {
                throw CLIError.setup("models refresh: page \(number) of the catalogue could not be read (\(error.code): \(error.message)); the cache is unchanged")
            }
            guard let page = CatalogPage(json) else {
                throw CLIError.setup("models refresh: page \(number) holds no list of models; the cache is unchanged")
            }
            entries += page.entries
            if number > 1 { console.err("models refresh: page \(number), \(entries.count) models so far") }
            guard let following = page.next else { return entries }
            let mark = switch following {
            case .cursor(let cursor): "cursor:" + cursor
            case .url(let url): "url:" + url
            }
            guard seen.insert(mark).inserted else {
                throw CLIError.setup("models refresh: the catalogue's pages loop (page \(number) points back to an earlier one); the cache is unchanged")
            }
            next = following
        }
        throw CLIError.setup("models refresh: more than \(maxPages) pages; taken for a loop, the cache is unchanged")
    }

    /// The entries the cache held (else the snapshot's), by model id, as compact JSON to compare.
    static func previous(path: String) -> (source: String, entries: [String: String]) {
        var source = "the shipped snapshot"
        var json = try? JSONValue.parse(Array(Catalog.snapshotJSON.utf8))
        if let bytes = FileManager.default.contents(atPath: path), let cached = try? JSONValue.parse(Array(bytes)) {
            json = cached
            source = "the cache"
        }
        var entries: [String: String] = [:]
        for entry in json.flatMap({ CatalogPage($0)?.entries }) ?? [] {
            if let id = (entry["model_id"] ?? entry["id"])?.string { entries[id] = comparable(entry) }
        }
        return (source, entries)
    }

    /// What an entry says, without the fields only the shipped snapshot carries.
    static func comparable(_ entry: JSONValue) -> String {
        guard let members = entry.members else { return entry.sortedKeys().compact }
        return JSONValue.object(members.filter { !["source", "base_price_usd"].contains($0.key) }).sortedKeys().compact
    }

    /// `catalogue: 384 models (was 28 in the shipped snapshot); 357 added: ...; 1 removed: ...; 2 changed: ...`.
    static func changes(from previous: (source: String, entries: [String: String]), to models: [JSONValue], skipped: Int, path: String) -> String {
        var now: [String: String] = [:]
        var order: [String] = []
        for entry in models {
            guard let id = (entry["model_id"] ?? entry["id"])?.string, now[id] == nil else { continue }
            now[id] = comparable(entry)
            order.append(id)
        }
        let added = order.filter { previous.entries[$0] == nil }
        // The seed model stays known whatever the catalogue says: it is never "removed".
        let removed = previous.entries.keys.filter { now[$0] == nil && $0 != ModelSchema.klingO3ProImageToVideo.modelID }.sorted()
        let changed = order.filter { previous.entries[$0] != nil && previous.entries[$0] != now[$0] }
        func list(_ ids: [String]) -> String {
            ids.count <= 12 ? ids.joined(separator: ", ") : ids.prefix(12).joined(separator: ", ") + " and \(ids.count - 12) more"
        }
        var lines = ["catalogue: \(order.count) models (was \(previous.entries.count) in \(previous.source)), written to \(path)"]
        lines.append("added \(added.count)" + (added.isEmpty ? "" : ": " + list(added)))
        lines.append("removed \(removed.count)" + (removed.isEmpty ? "" : ": " + list(removed)))
        lines.append("changed \(changed.count)" + (changed.isEmpty ? "" : ": " + list(changed)))
        if skipped > 0 { lines.append("skipped \(skipped) entries without a model_id") }
        return lines.joined(separator: "\n")
    }
}
