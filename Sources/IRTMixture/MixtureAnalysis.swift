/// Everything the mixture step produces.
///
/// Codable to result.json's `mixture` block with snake_case keys: `matched_runs`,
/// `unmatched` {`runs_without_mixture`, `mixtures_without_run`}, `phases`,
/// `surrogates`, `effects`, `partial_effects`, `proposals`, `not_predictable`, `notes`.
public struct MixtureAnalysis: Sendable, Codable, Equatable {
    /// Runs of the sweep without a mixture row, and mixture rows without a run.
    public struct Unmatched: Sendable, Codable, Equatable {
        public let runsWithoutMixture: [String]
        public let mixturesWithoutRun: [String]

        public init(runsWithoutMixture: [String], mixturesWithoutRun: [String]) {
            self.runsWithoutMixture = runsWithoutMixture
            self.mixturesWithoutRun = mixturesWithoutRun
        }

        enum CodingKeys: String, CodingKey {
            case runsWithoutMixture = "runs_without_mixture"
            case mixturesWithoutRun = "mixtures_without_run"
        }
    }

    /// One surrogate family's out-of-fold validation for one score.
    public struct Surrogate: Sendable, Codable, Equatable {
        /// `"ridge"` or `"gp"`.
        public let family: String
        /// The ``MixtureScore/name``.
        public let score: String
        /// Out-of-fold R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ŷ predicted by a fit without the run's fold.
        public let oofR2: Double
        /// Spearman rank correlation of y and the out-of-fold ŷ.
        public let oofSpearman: Double
        /// √(mean (y − ŷ)²).
        public let oofRMSE: Double
        /// The out-of-fold R² of the same procedure with the weights' rows shuffled.
        public let permutationR2: Double
        /// `1 − noiseShare`, the most R² the seed noise allows (nil without a noise file).
        public let ceilingR2: Double?
        /// Whether this family is the one used for the score (the better out-of-fold R²).
        public let chosen: Bool
        /// Ridge: the effective degrees of freedom tr(X(XᵀX + λI)⁻¹Xᵀ) of the full-data fit.
        public var effectiveDF: Double? = nil

        public init(family: String, score: String, oofR2: Double, oofSpearman: Double, oofRMSE: Double,
                    permutationR2: Double, ceilingR2: Double?, chosen: Bool, effectiveDF: Double? = nil) {
            self.family = family
            self.score = score
            self.oofR2 = oofR2
            self.oofSpearman = oofSpearman
            self.oofRMSE = oofRMSE
            self.permutationR2 = permutationR2
            self.ceilingR2 = ceilingR2
            self.chosen = chosen
            self.effectiveDF = effectiveDF
        }

        enum CodingKeys: String, CodingKey {
            case family, score, chosen
            case oofR2 = "oof_r2"
            case oofSpearman = "oof_spearman"
            case oofRMSE = "oof_rmse"
            case permutationR2 = "permutation_r2"
            case ceilingR2 = "ceiling_r2"
            case effectiveDF = "effective_df"
        }
    }

    /// A ridge coefficient of one weight column for one score, with its bootstrap 95% interval.
    public struct Effect: Sendable, Codable, Equatable {
        public let score: String
        public let column: String
        public let estimate: Double
        public let lower: Double
        public let upper: Double

        public init(score: String, column: String, estimate: Double, lower: Double, upper: Double) {
            self.score = score
            self.column = column
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }
    }

    /// The GP's average change of a score when 1% of the phase's weight moves into
    /// `column` from the phase's other columns (proportionally).
    public struct PartialEffect: Sendable, Codable, Equatable {
        public let score: String
        public let column: String
        public let estimate: Double

        public init(score: String, column: String, estimate: Double) {
            self.score = score
            self.column = column
            self.estimate = estimate
        }
    }

    /// An estimate with its 95% interval.
    public struct Interval: Sendable, Codable, Equatable {
        public let estimate, lower, upper: Double

        public init(estimate: Double, lower: Double, upper: Double) {
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }
    }

    /// One proposed mixture.
    public struct Proposal: Sendable, Codable, Equatable {
        /// Weight per column (every kept column; dropped constant columns keep their constant in the CSV).
        public let weights: [String: Double]
        /// Predicted score per ``MixtureScore/name``, by its chosen surrogate.
        public let predicted: [String: Interval]
        /// The observed run whose mixture is nearest in total variation.
        public let nearestRun: String
        /// The total-variation distance (per phase, averaged) to ``nearestRun``.
        public let tvToNearest: Double
        /// The run no factor may be predicted below.
        public let referenceRun: String
        /// 1-based rank of the predicted objective among the observed runs' objective values
        /// (1 = above every observed run).
        public var rankAmongObserved: Int? = nil

        public init(weights: [String: Double], predicted: [String: Interval], nearestRun: String,
                    tvToNearest: Double, referenceRun: String, rankAmongObserved: Int? = nil) {
            self.weights = weights
            self.predicted = predicted
            self.nearestRun = nearestRun
            self.tvToNearest = tvToNearest
            self.referenceRun = referenceRun
            self.rankAmongObserved = rankAmongObserved
        }

        enum CodingKeys: String, CodingKey {
            case weights, predicted
            case nearestRun = "nearest_run"
            case tvToNearest = "tv_to_nearest"
            case referenceRun = "reference_run"
            case rankAmongObserved = "rank_among_observed"
        }
    }

    /// The mixture file's name.
    public let source: String
    /// Runs with both a mixture row and scores.
    public let matchedRuns: Int
    public let unmatched: Unmatched
    public let phases: [MixturePhase]
    public let droppedConstantColumns: [String]
    /// `"aggregate"`, `"balanced"` or `"theta_J"`.
    public let objective: String
    public let surrogates: [Surrogate]
    public let effects: [Effect]
    public let partialEffects: [PartialEffect]
    public let proposals: [Proposal]
    /// Scores flagged "not predictable from the mixture — do not optimize it"
    /// (out-of-fold R² < 0.3 or not above the permutation baseline).
    public let notPredictable: [String]
    /// Decisions and doubts, as sentences.
    public let notes: [String]
    /// The run no factor may be predicted below (nil when nothing was proposed).
    public var referenceRun: String? = nil
    /// Every score's surrogate prediction for the reference run: the floors of the factors
    /// (nil when nothing was proposed).
    public var referencePredicted: [String: Double]? = nil

    public init(source: String, matchedRuns: Int, unmatched: Unmatched, phases: [MixturePhase],
                droppedConstantColumns: [String], objective: String, surrogates: [Surrogate],
                effects: [Effect], partialEffects: [PartialEffect], proposals: [Proposal],
                notPredictable: [String], notes: [String], referenceRun: String? = nil,
                referencePredicted: [String: Double]? = nil) {
        self.source = source
        self.matchedRuns = matchedRuns
        self.unmatched = unmatched
        self.phases = phases
        self.droppedConstantColumns = droppedConstantColumns
        self.objective = objective
        self.surrogates = surrogates
        self.effects = effects
        self.partialEffects = partialEffects
        self.proposals = proposals
        self.notPredictable = notPredictable
        self.notes = notes
        self.referenceRun = referenceRun
        self.referencePredicted = referencePredicted
    }

    enum CodingKeys: String, CodingKey {
        case source, unmatched, phases, objective, surrogates, effects, proposals, notes
        case matchedRuns = "matched_runs"
        case droppedConstantColumns = "dropped_constant_columns"
        case partialEffects = "partial_effects"
        case notPredictable = "not_predictable"
        case referenceRun = "reference_run"
        case referencePredicted = "reference_predicted"
    }
}
