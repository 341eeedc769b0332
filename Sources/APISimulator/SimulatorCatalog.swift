public import JSON
import ModelCatalog

/// The catalogue entries a simulator serves, read from a saved catalogue response. Only the text comes from the
/// catalogue module; the simulator reads the entries' schemas with its own code.
public enum SimulatorCatalog {
    /// Why a catalogue response cannot be served.
    public struct Unreadable: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The shipped snapshot's entries (`Catalog.snapshotJSON`).
    public static let snapshot: [JSONValue] = (try? entries(in: JSONValue.parse(Catalog.snapshotJSON))) ?? []

    /// The entries of a catalogue response: an object with them under `models`, or a bare array of them (pages
    /// concatenated). Each entry must be an object with a string `model_id`.
    public static func entries(in response: JSONValue) throws(Unreadable) -> [JSONValue] {
        guard let list = response.elements ?? response["models"]?.elements else {
            throw Unreadable(reason: "neither an array of models nor an object with them under \"models\"")
        }
        for (position, entry) in list.enumerated() where entry["model_id"]?.string?.isEmpty ?? true {
            throw Unreadable(reason: "entry \(position + 1) has no \"model_id\"")
        }
        return list
    }

    /// Reads a catalogue response's text.
    public static func entries(inText text: [UInt8]) throws(Unreadable) -> [JSONValue] {
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            throw Unreadable(reason: "not JSON (at byte \(error.offset))")
        }
        return try entries(in: json)
    }
}
