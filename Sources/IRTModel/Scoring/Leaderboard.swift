import Linalg

/// Runs ranked by their aggregate score `a = mean_j θ_j`, highest first (ties
/// keep file order), each with its uncertainty (``RankIntervals``).
public struct Leaderboard: Sendable, Equatable {
    /// One ranked run.
    public struct Entry: Sendable, Equatable, Codable {
        public let runName: String
        /// `mean_j θ_j`.
        public let aggregate: Double
        /// θ_1…θ_k.
        public let theta: [Double]
        /// sds of θ_1…θ_k: with replicate runs, how far they would move if the
        /// run were retrained with another seed (``SeedNoise/thetaVariances(posterior:)``);
        /// without, the posterior's `sqrt(diag V)`.
        public let thetaSD: [Double]
        /// sd of the aggregate, likewise (``ScoreUncertainty/source``).
        public let aggregateSD: Double
        /// The aggregate's sd across refits of the model (``ModelBootstrap``), when it ran:
        /// the fitted model's own uncertainty, beside the seed noise of ``aggregateSD``.
        public var aggregateSDModel: Double? = nil
        /// 1-based rank of the aggregate (1 = best).
        public let rank: Int
        /// 95% interval `[low, high]` of the rank, from the joint draws of ``AggregateNoise`` (``ScoreUncertainty``).
        public let rankInterval: [Int]
        /// Probability of ranking first.
        public let pBest: Double
        /// Share of the model's tasks the run was observed on.
        public let coverage: Double
        /// Whether the run is a baseline (its name contains "baseline").
        public let isBaseline: Bool
        /// Held-out metric values (nil = missing), in ``Leaderboard/heldOutMetrics`` order.
        public let heldOut: [Double?]
        /// Extra provenance columns (e.g. `is_qsplit240_core`), in ``Leaderboard/extraColumns`` order.
        public let extra: [String]

        enum CodingKeys: String, CodingKey {
            case runName = "run_name", aggregate, theta, thetaSD = "theta_sd", aggregateSD = "aggregate_sd", aggregateSDModel = "aggregate_sd_model", rank
            case rankInterval = "rank_interval", pBest = "p_best", coverage, isBaseline = "is_baseline"
            case heldOut = "held_out", extra
        }
    }

    /// Held-out metric names of ``Entry/heldOut``.
    public let heldOutMetrics: [String]
    /// Provenance columns of ``Entry/extra`` that exist in the sweep.
    public let extraColumns: [String]
    /// Entries, best aggregate first.
    public let entries: [Entry]

    /// Ranks the sweep's runs of `model` (rows of `sweep` in the same order).
    ///
    /// - Parameter modelSDs: per run, the aggregate's sd across refits of the model, when measured.
    public init(sweep: EvalMatrix, model: FittedModel, ranks: RankIntervals, heldOutMetrics: [String],
                extraColumns: [String], modelSDs: [Double]? = nil) {
        let scored = model.sweep
        let present = extraColumns.filter(sweep.hasColumn)
        let extras = present.map { sweep.strings($0) ?? [] }
        let metrics = heldOutMetrics.map { (try? sweep.numbers($0)) ?? [] }
        let thetaSDs = scored.covariances.map(model.thetaSD(posterior:))
        let aggregateSDs = model.sweepNoise.sds
        var entries: [Entry] = []
        for i in scored.runNames.indices {
            var entry = Entry(
                runName: scored.runNames[i], aggregate: scored.aggregate[i], theta: scored.theta[i],
                thetaSD: thetaSDs[scored.covarianceIndex[i]], aggregateSD: aggregateSDs[i],
                rank: ranks.rank[i], rankInterval: ranks.interval[i], pBest: ranks.pBest[i],
                coverage: scored.coverage[i], isBaseline: EvalMatrix.isBaseline(run: scored.runNames[i]),
                heldOut: metrics.map { i < $0.count ? $0[i] : nil },
                extra: extras.map { i < $0.count ? $0[i] : "" })
            entry.aggregateSDModel = modelSDs?[i]
            entries.append(entry)
        }
        self.entries = entries.indices.sorted { ranks.rank[$0] < ranks.rank[$1] }.map { entries[$0] }
        self.heldOutMetrics = heldOutMetrics
        self.extraColumns = present
    }
}
