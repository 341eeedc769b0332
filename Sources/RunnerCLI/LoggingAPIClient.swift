import Logging
import ModelAPI

/// `--verbose`: every API call logged through swift-log (to standard error). It wraps the client, so it never
/// sees the token; outputs are logged by host and path only (pre-signed query strings left out).
struct LoggingAPIClient: ModelAPIClient {
    let base: any ModelAPIClient
    let logger: Logger

    static func standardError() -> Logger {
        var logger = Logger(label: "shotrunner.api") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        return logger
    }

    private func log<T>(_ call: String, _ body: () async throws(APIError) -> T, describe: (T) -> String) async throws(APIError) -> T {
        do {
            let value = try await body()
            logger.debug("\(call) -> \(describe(value))")
            return value
        } catch {
            logger.debug("\(call) -> \(error.kind.rawValue) \(error.code)\(error.httpStatus.map { " (HTTP \($0))" } ?? "")")
            throw error
        }
    }

    func submit(modelID: String, body: [UInt8]) async throws(APIError) -> Submission {
        try await log("POST /v1/models/\(modelID) (\(body.count) bytes)", { () async throws(APIError) in try await base.submit(modelID: modelID, body: body) }) { $0.requestID }
    }

    func status(requestID: String) async throws(APIError) -> StatusReport {
        try await log("GET /v1/requests/\(requestID)/status", { () async throws(APIError) in try await base.status(requestID: requestID) }) { "\($0.state)" }
    }

    func result(requestID: String) async throws(APIError) -> ResultReport {
        try await log("GET /v1/requests/\(requestID)/result", { () async throws(APIError) in try await base.result(requestID: requestID) }) { report in
            "\(report.state)" + (report.outputs.isEmpty ? "" : ", \(report.outputs.count) output(s)") + (report.cost.map { ", cost \($0)" } ?? "")
        }
    }

    func cancel(requestID: String) async throws(APIError) -> CancelReport {
        try await log("POST /v1/requests/\(requestID)/cancel", { () async throws(APIError) in try await base.cancel(requestID: requestID) }) { $0.outcome.rawValue }
    }

    func modelInfo(modelID: String) async throws(APIError) -> ModelInfo {
        try await log("GET /v1/models/\(modelID)", { () async throws(APIError) in try await base.modelInfo(modelID: modelID) }) { "\($0.basePriceUSD ?? 0)/\($0.priceUnit ?? "?")" }
    }

    func download(from url: String, toBase target: String, maxBytes: Int) async throws(APIError) -> Download {
        let shown = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        return try await log("GET \(shown)", { () async throws(APIError) in try await base.download(from: url, toBase: target, maxBytes: maxBytes) }) { "\($0.bytes) bytes" }
    }
}
