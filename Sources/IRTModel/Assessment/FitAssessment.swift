import Linalg

/// How well the fitted model fits, whether k is enough, what non-negativity
/// costs and whether the EM found the best optimum: the "Model fit" card of the
/// report and `fit` in `result.json` (METHOD.md §12).
public struct FitAssessment: Sendable, Codable, Equatable {
    /// Fit statistics at the fitted k (psych's conventions), or `nil` when they are
    /// undefined (see ``unavailable``).
    public let statistics: FitStatistics?
    /// Why there are no statistics (e.g. the correlation matrix is singular because n ≤ p).
    public let unavailable: String?
    /// The same statistics for k − 1 and k + 1, where those models exist.
    public let neighbours: [Neighbour]
    /// The task pairs with the largest |residual correlation|, largest first.
    public let largestResiduals: [Residual]
    /// The starts the EM was run from and where they ended.
    public let starts: Starts
    /// ℓ(free) − ℓ(non-negative) and the tasks the constraint bends most; `nil`
    /// when the model itself has free loadings or the free fit failed.
    public let nonNegativityCost: NonNegativityCost?
    /// How much the leaderboard moves across starts that reached the same ℓ,
    /// measured when the loadings are weakly identified and such starts exist
    /// (absent otherwise and in older files).
    public var scoreSpread: ScoreSpread? = nil

    /// Fit statistics of a model with another number of factors.
    public struct Neighbour: Sendable, Codable, Equatable {
        public let k: Int
        public let statistics: FitStatistics?
        /// Whether that fit's EM converged within its cap (statistics of an
        /// unconverged fit are approximate); `false` when it was not fitted
        /// because its statistics are undefined anyway (S singular: n ≤ p).
        public let converged: Bool
        /// Why there are none (the fit failed, or the statistics are undefined).
        public let unavailable: String?
    }

    /// One task pair's residual correlation `R − Σ̂`.
    public struct Residual: Sendable, Codable, Equatable {
        public let taskA: String
        public let taskB: String
        public let value: Double
        enum CodingKeys: String, CodingKey { case taskA = "task_a", taskB = "task_b", value }
    }

    /// The EM's starting points and their ends.
    public struct Starts: Sendable, Codable, Equatable {
        /// Starts asked for (`--starts`; 1 = the default start alone).
        public let requested: Int
        /// The 1-based start whose fit is reported (highest ℓ; ties within 1e-9 relative: the lowest).
        public let best: Int
        /// How many of the requested starts reached the best ℓ (within 1e-7 relative).
        public let reachedBest: Int
        /// ℓ and map evaluations of each requested start.
        public let logLikelihoods: [Double]
        public let iterations: [Int]
        /// The extra seeded starts of the start check (0 when skipped or when `--starts` was given).
        public let checkStarts: Int
        /// The highest ℓ the check found and its gain over the reported fit (≤ 0: none better).
        public let checkBestLogLikelihood: Double?
        public let checkGain: Double?
        /// How many of the check's starts stopped at their cap unconverged or
        /// failed (`nil` when no check ran, and in files written before it was
        /// recorded): their ℓ is only a lower bound of where they were going.
        public internal(set) var checkUnconverged: Int? = nil
        /// The check start (1-based) whose fit is reported: it converged to a
        /// higher ℓ than the default start's (`nil`: the default start's fit).
        public internal(set) var adoptedCheckStart: Int? = nil

        enum CodingKeys: String, CodingKey {
            case requested, best, reachedBest = "reached_best", logLikelihoods = "log_likelihoods", iterations
            case checkStarts = "check_starts", checkBestLogLikelihood = "check_best_log_likelihood"
            case checkGain = "check_gain", checkUnconverged = "check_unconverged"
            case adoptedCheckStart = "adopted_check_start"
        }
    }

    /// What `Λ ≥ 0` costs in likelihood.
    public struct NonNegativityCost: Sendable, Codable, Equatable {
        /// Whether the free fit's EM converged within its cap.
        public let freeConverged: Bool
        public let freeLogLikelihood: Double
        public let nonnegativeLogLikelihood: Double
        /// `ℓ(free) − ℓ(non-negative)` (≥ 0 up to the EM's tolerance).
        public let difference: Double
        /// `2 · difference`. A boundary test: its null distribution is a mixture
        /// of χ² laws, not χ²(df), so no p-value is given.
        public let likelihoodRatio: Double
        /// Tasks whose loadings move most between the free fit (rotated onto the
        /// non-negative one by orthogonal Procrustes) and the non-negative fit.
        public let bentTasks: [BentTask]

        /// Whether the free fit reached at least the non-negative fit's ℓ (to
        /// 1e-6 relative). Every non-negative Λ is a free one too, so a free fit
        /// below it stopped at a worse local optimum: then the difference
        /// measures nothing (a warning says so).
        public var isMeasured: Bool {
            difference >= -1e-6 * Swift.max(1, Swift.abs(nonnegativeLogLikelihood))
        }

        public struct BentTask: Sendable, Codable, Equatable {
            public let task: String
            /// `‖λ_free,t R − λ_nonneg,t‖₂`.
            public let distance: Double
        }

        enum CodingKeys: String, CodingKey {
            case freeConverged = "free_converged", freeLogLikelihood = "free_log_likelihood", nonnegativeLogLikelihood = "nonnegative_log_likelihood"
            case difference, likelihoodRatio = "likelihood_ratio", bentTasks = "bent_tasks"
        }
    }

    enum CodingKeys: String, CodingKey {
        case statistics, unavailable, neighbours, largestResiduals = "largest_residuals", starts
        case nonNegativityCost = "non_negativity_cost", scoreSpread = "score_spread"
    }
}
