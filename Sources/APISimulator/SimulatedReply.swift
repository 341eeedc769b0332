import JSON
/// What the HTTP layer should do for a call.
struct SimulatedReply: Sendable {
    enum Delivery: Sendable, Equatable {
        /// Answer now.
        case now
        /// Answer after this many real seconds.
        case after(Double)
        /// Close the connection without answering.
        case drop
    }

    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8]
    var contentType = "application/json"
    var delivery = Delivery.now

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> SimulatedReply {
        SimulatedReply(status: status, headers: headers, body: value.compactBytes)
    }

    static func error(_ status: Int, code: Int, _ message: String, detail: JSONValue = .null, headers: [(String, String)] = []) -> SimulatedReply {
        json(status, .object([("error_code", .int(code)), ("error_message", .string(message)), ("detail", detail)]), headers: headers)
    }
}
