import Crypto
import Foundation
import JSON
import JobManifest
import ResultsLedger
import Scheduling

extension BatchRun {
    /// The lines that open a run on record, made from the plan and the prices: `run_started` (the job list, every
    /// catalogue model's schema digest, the filter and the local files), the waiting and blocked dependents, and
    /// one `price` line per model priced.
    struct Opening: Sendable {
        /// Intents of an earlier run with no answer: `unknown_outcome` first.
        let unanswered: [(id: String, key: String)]
        /// The opening line, made again only if the folder has to be rebuilt (at 100,000 jobs it is tens of MB).
        let runStarted: @Sendable () -> LedgerEvent
        let startedAt: String
        let waiting: [ResumePlanner.WaitingJob]
        let blocked: [ResumePlanner.BlockedJob]
        /// `(model, base price, unit, sound factor, source)` of each model with a price.
        let prices: [(model: String, base: Double, unit: String, factor: Double, source: String)]

        init(scope: Scope, fold: LedgerFold, target: Target, work: Work, prices: PriceList, request: RunRequest) {
            let startedAt = Timestamp.now()
            self.startedAt = startedAt
            unanswered = work.graph.plan.unanswered.map { ($0.0, $0.1) }
            waiting = work.waitingOnRecord
            blocked = work.graph.blocked
            let manifestSHA = Self.manifestSHA256(request.manifest)
            let baseForLedger = request.simulate ? (fold.baseURL ?? target.effectiveBase) : target.base
            let manifestPath = RunFolderPaths.absolute(request.manifest)
            // Places over the manifest's own jobs; a take a retake added stands at the place of the job it was made
            // from (so the folders of a sharded batch still merge in one order, whichever has retakes).
            let added = scope.manifest.retakeSources
            let manifestIndex = Dictionary(
                scope.manifest.jobs.lazy.filter { added[$0.id] == nil }.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first }
            )
            // Dependents under their real keys where their sources exist, else `after:<sources>`.
            let listed = work.graph.jobs.map { job in
                LedgerEvent.ListedJob(
                    id: job.id, index: manifestIndex[job.id] ?? added[job.id].flatMap { manifestIndex[$0] } ?? 0, key: job.keyText, duration: job.body.duration, sound: job.body.sound,
                    estimatedCost: prices.estimate(of: job.body) == nil ? nil : PriceList.rounded(prices.cost(of: job.body)),
                    model: job.body.schema.ledgerModelID, sources: job.sources, approve: job.approve
                )
            }
            let modelDigests = Self.modelDigests(scope.shardJobs)
            let inputs = LedgerEvent.RunInputs(only: request.only, shard: request.shard?.description, media: MediaStamps.now(scope.manifest.mediaPaths))
            runStarted = {
                .runStarted(baseURL: baseForLedger, manifest: manifestPath, manifestSHA256: manifestSHA, jobs: listed, models: modelDigests, inputs: inputs, time: startedAt)
            }
            self.prices = Self.priceLines(work.graph, prices: prices)
        }

        /// The manifest file's SHA-256 (hex; empty when it cannot be read again).
        static func manifestSHA256(_ path: String) -> String {
            (try? Data(contentsOf: URL(fileURLWithPath: path))).map { Hex.lowercase(SHA256.hash(data: $0)) } ?? ""
        }

        /// Each catalogue model's schema digest, once per model, in order of first use.
        static func modelDigests(_ jobs: [Job]) -> [(id: String, digest: String)] {
            var digests: [(id: String, digest: String)] = []
            for job in jobs where !digests.contains(where: { $0.id == job.body.schema.modelID }) {
                if let digest = job.body.schema.recordedDigest { digests.append((job.body.schema.modelID, digest)) }
            }
            return digests
        }

        /// A price line per model of the jobs left that has a price (the seed's live price or its built-in
        /// estimate, the others' live or published ones).
        private static func priceLines(_ graph: ResumePlanner.GraphPlan, prices: PriceList) -> [(model: String, base: Double, unit: String, factor: Double, source: String)] {
            guard !graph.plan.runs.isEmpty || !graph.waiting.isEmpty else { return [] }
            let models = BatchRun.models(of: BatchRun.workBodies(graph))
            var lines: [(model: String, base: Double, unit: String, factor: Double, source: String)] = []
            for model in models {
                let price = prices.price(for: model)
                guard let base = price.basePriceUSD else { continue }
                lines.append((model.modelID, base, price.unit.rawValue, price.factor, price.source.rawValue))
            }
            return lines
        }

        /// The opening lines, in order.
        func lines() -> [LedgerEvent] {
            var opening = [runStarted()]
            for waiting in waiting {
                opening.append(.waiting(job: waiting.job.id, key: waiting.job.keyText, sources: waiting.waitingOn, time: startedAt))
            }
            for blocked in blocked {
                let reason = "its source \(blocked.source) is \(blocked.sourceState.replacingOccurrences(of: "_", with: " ")); nothing was submitted"
                opening.append(.blocked(job: blocked.job.id, key: blocked.job.keyText, source: blocked.source, sourceState: blocked.sourceState, reason: reason, time: startedAt))
            }
            for price in prices {
                opening.append(.price(model: price.model, basePriceUSD: price.base, unit: price.unit, soundFactor: price.factor, source: price.source, time: startedAt))
            }
            return opening
        }
    }
}
