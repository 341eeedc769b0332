import ArgumentParser
import Foundation
import JSON
import JobManifest
import ModelCatalog
import Synchronization

/// `shotrunner models list|show ID [--json] [--catalog F]`
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The model catalogue: every model shotrunner knows, and each one's inputs.",
        discussion: """
            The catalogue read is --catalog FILE (a saved GET /v1/models?include_schema=true response: an object \
            with the entries under "models", or a bare array), else the cache ($XDG_CACHE_HOME/shotrunner/catalog.json), \
            else the snapshot shipped in shotrunner (each entry with its source and date). The seed model is \
            always known.
            """,
        subcommands: [ModelsList.self, ModelsShow.self, ModelsRefresh.self]
    )
}

/// Which catalogue a command reads, and reading it.
struct CatalogOption: ParsableArguments {
    @Option(name: .customLong("catalog"), help: ArgumentHelp("Read this saved catalogue response instead of the cache or the shipped snapshot.", valueName: "file"))
    var file: String?

    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Catalog {
        try Self.load(file: file, environment: environment)
    }

    /// The models a manifest may use: `--catalog`, else the cache, else the snapshot; the seed always.
    func registry(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelRegistry {
        ModelRegistry(catalog: try load(environment: environment))
    }

    /// The catalogue files whose warnings were said.
    private static let warned = Mutex<Set<String>>([])

    /// Reads `file` (a saved catalogue response), else the cache `models refresh` writes, else the snapshot.
    static func load(file: String?, environment: [String: String]) throws -> Catalog {
        var catalog: Catalog
        let cache = Catalog.cachePath(environment: environment)
        if let path = file ?? (FileManager.default.fileExists(atPath: cache) ? cache : nil) {
            guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIError.usage("cannot read the catalogue \(path)") }
            do {
                catalog = try Catalog(json: JSONValue.parse(Array(bytes)), source: path)
                // Said once a process (a resume reads the catalogue twice: for the shortcut, then the whole way).
                if warned.withLock({ $0.insert(path).inserted }) {
                    let console = Console()
                    for warning in catalog.warnings { console.err("warning: \(warning)") }
                }
            } catch let error as Catalog.Unreadable {
                throw CLIError.usage("the catalogue \(error)")
            } catch {
                throw CLIError.usage("the catalogue \(path) is not JSON (\(error))")
            }
        } else {
            catalog = Catalog.snapshot
        }
        // The seed model is always known (its fields come from the built-in table).
        let seed = ModelSchema.klingO3ProImageToVideo.modelID
        if let builtIn = Catalog.snapshot.entry(seed) {
            if let position = catalog.entries.firstIndex(where: { $0.modelID == seed }) {
                // Its fields are the built-in table's whatever a catalogue says (`multi_prompt` included): the
                // catalogue's entry only adds fields the table lacks.
                catalog.entries[position] = Self.withBuiltInFields(catalog.entries[position], builtIn: builtIn)
            } else {
                catalog.entries.insert(builtIn, at: 0)
            }
        }
        return catalog
    }

    /// A catalogue's entry for the seed model with the built-in fields first, then any the catalogue adds.
    static func withBuiltInFields(_ entry: CatalogEntry, builtIn: CatalogEntry) -> CatalogEntry {
        let builtInFields = builtIn.inputSchemaJSON["properties"]?.members ?? []
        let extra = (entry.inputSchemaJSON["properties"]?.members ?? []).filter { field in !builtInFields.contains { $0.key == field.key } }
        var merged = entry
        let required = builtIn.schema.required + entry.schema.required.filter { !builtIn.schema.required.contains($0) }
        merged.inputSchemaJSON = .object([
            ("type", .string("object")), ("properties", .object(builtInFields + extra)), ("required", .array(required.map(JSONValue.string))),
        ])
        merged.schema = InputSchema(merged.inputSchemaJSON)
        return merged
    }
}

struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every model: id, output kind, price unit and price if known, source and date.")

    @OptionGroup var catalog: CatalogOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let loaded = try catalog.load()
        let console = Console()
        if json {
            console.out(JSONValue.object([
                ("source", .string(loaded.source)),
                ("fetched_at", loaded.fetchedAt.map(JSONValue.string) ?? .null),
                ("models", .array(loaded.entries.map { entry in
                    .object([
                        ("model_id", .string(entry.modelID)),
                        ("output_kind", .string(entry.outputKind.rawValue)),
                        ("price_unit", entry.priceUnit.map(JSONValue.string) ?? .null),
                        ("base_price_usd", entry.basePriceUSD.map { .number($0) } ?? .null),
                        ("price_source", .string(entry.basePriceUSD == nil ? "unknown" : loaded.source == "snapshot" ? "snapshot" : "catalog")),
                        ("source", .object([("url", entry.sourceURL.map(JSONValue.string) ?? .null), ("date", entry.sourceDate.map(JSONValue.string) ?? .null)])),
                    ])
                })),
            ]).pretty)
            return
        }
        let width = max(5, loaded.entries.map(\.modelID.count).max() ?? 0)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(1, count - text.count)) }
        var lines = [pad("MODEL", width + 2) + pad("OUTPUT", 9) + pad("PRICE", 16) + "SOURCE"]
        for entry in loaded.entries {
            let unit = entry.priceUnit ?? "?"
            let price = entry.basePriceUSD.map { "$\($0)/\(unit == "second" ? "s" : unit)" } ?? "unknown/\(unit == "second" ? "s" : unit)"
            lines.append(pad(entry.modelID, width + 2) + pad(entry.outputKind.rawValue, 9) + pad(price, 16) + (entry.sourceDate.map { "\(loaded.source) \($0)" } ?? loaded.source))
        }
        lines.append("\(loaded.entries.count) models from \(loaded.source)\(loaded.fetchedAt.map { ", fetched \($0)" } ?? "")")
        console.out(lines.joined(separator: "\n"))
    }
}

struct ModelsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One model's inputs: name, type, range or choices, default, required, media kind.")

    @Argument(help: ArgumentHelp("The model id.", valueName: "model-id"))
    var modelID: String

    @OptionGroup var catalog: CatalogOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let loaded = try catalog.load()
        guard let entry = loaded.entry(modelID) else {
            let hint = DidYouMean.suggest(modelID, among: loaded.entries.map(\.modelID)).map { " (did you mean '\($0)'?)" } ?? ""
            throw CLIError.usage("no model '\(modelID)' in the catalogue (\(loaded.source))\(hint); 'shotrunner models list' shows them all, and a newer catalogue may have it (--catalog FILE)")
        }
        let console = Console()
        if json {
            console.out(ModelDescription.json(entry).pretty)
        } else {
            console.out(ModelDescription.text(entry, source: loaded.source))
        }
    }
}
