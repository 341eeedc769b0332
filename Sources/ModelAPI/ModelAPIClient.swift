/// The RunComfy Model API, as the scheduler sees it: small enough to fake in tests.
public protocol ModelAPIClient: Sendable {
    /// `POST /v1/models/{model_id}` with a JSON body (sent on a fresh connection).
    func submit(modelID: String, body: [UInt8]) async throws(APIError) -> Submission
    /// `GET /v1/requests/{id}/status`.
    func status(requestID: String) async throws(APIError) -> StatusReport
    /// `GET /v1/requests/{id}/result?include_cost=true`.
    func result(requestID: String) async throws(APIError) -> ResultReport
    /// `POST /v1/requests/{id}/cancel`.
    func cancel(requestID: String) async throws(APIError) -> CancelReport
    /// `GET /v1/models/{model_id}`: the price.
    func modelInfo(modelID: String) async throws(APIError) -> ModelInfo
    /// Fetches an output (no token sent) to `base` plus the extension its bytes show (`.mp4`, `.png`, `.wav`, ...;
    /// else the URL's, else `.bin`): streamed to a temporary file beside it, fsync'd and renamed into place; at
    /// most `maxBytes`.
    func download(from url: String, toBase base: String, maxBytes: Int) async throws(APIError) -> Download
}
