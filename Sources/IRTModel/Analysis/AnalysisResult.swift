import Linalg

/// Everything an analysis produces (METHOD.md §10), `Codable` to that JSON
/// shape with snake_case keys; `Sendable` so it can cross to a report writer.
///
/// Arrays over tasks follow ``tasks``; arrays over runs follow ``runNames`` (file order).
public struct AnalysisResult: Sendable, Codable, Equatable {
    /// The `result.json` schema this version writes (METHOD.md §10); bumped on every change.
    public static let currentSchemaVersion = 6

    /// The EM fit as written to JSON.
    public struct EM: Sendable, Codable, Equatable {
        public let iterations: Int
        public let converged: Bool
        public let mStep: MStep
        public let logLikelihood: Double
        public let `init`: [[Double]]
        public let maxIterations: Int
        public let stopRule: StopRule
        public let acceleration: Acceleration
        public let finalStep: Double
        /// `nil` when the steps were not contracting (distance unknown).
        public let estimatedDistance: Double?
        /// What the stop rule measured: `loadings`, or `covariance` (Σ = ΛΛᵀ + Ψ)
        /// for weakly identified loadings. Absent for free loadings and in older files.
        public var stopQuantity: StopQuantity? = nil
        /// The estimated distance of Σ to the fixed point, when the fit stopped on Σ.
        public var covarianceDistance: Double? = nil
        /// `{"status": "pinned"}` or `{"status": "weakly_identified", "free_rotations": d}`
        /// for non-negative loadings. Absent for free loadings and in older files.
        public var identification: LoadingIdentification? = nil
        /// Present when free loadings were fitted by the concentrated likelihood
        /// instead of EM (`iterations` then counts its evaluations; `m_step` plays no part).
        public var concentratedLikelihood: ConcentratedLikelihoodFit? = nil
        /// `true` when the projected map crawled and its fixed point was solved for
        /// by Newton's method (METHOD.md §6); absent otherwise.
        public var fixedPointSolve: Bool? = nil
        /// Set when the crawl was a drift along a rotation that keeps `Λ ≥ 0` and the
        /// solve followed it to the loading that stops it: the angle turned, in degrees.
        public var fixedPointRotationDegrees: Double? = nil
        /// Set when a factor's loadings collapsed to zero and the fit was rerun
        /// from the eigenvector start (``DegenerateRestart``).
        public var degenerateRestart: DegenerateRestart? = nil
        enum CodingKeys: String, CodingKey {
            case iterations, converged, mStep = "m_step", logLikelihood = "log_likelihood", `init`
            case maxIterations = "max_iterations", stopRule = "stop_rule", acceleration
            case finalStep = "final_step", estimatedDistance = "estimated_distance"
            case stopQuantity = "stop_quantity", covarianceDistance = "covariance_distance", identification
            case concentratedLikelihood = "concentrated_likelihood", fixedPointSolve = "fixed_point_solve"
            case fixedPointRotationDegrees = "fixed_point_rotation_degrees"
            case degenerateRestart = "degenerate_restart"
        }

        /// The JSON form of a fit's diagnostics.
        init(_ d: FitDiagnostics) {
            iterations = d.iterations
            converged = d.converged
            mStep = d.mStep
            logLikelihood = d.logLikelihood
            `init` = d.initialLoadings
            maxIterations = d.maxIterations
            stopRule = d.stopRule
            acceleration = d.acceleration
            finalStep = d.finalStep
            estimatedDistance = d.estimatedDistance.isFinite ? d.estimatedDistance : nil
            stopQuantity = d.stopQuantity
            covarianceDistance = d.covarianceDistance.flatMap { $0.isFinite ? $0 : nil }
            identification = d.identification
            concentratedLikelihood = d.concentrated
            fixedPointSolve = d.projectedFixedPointSolved
            fixedPointRotationDegrees = d.projectedRotationFollowed
            degenerateRestart = d.degenerateRestart
        }
    }

    /// Signal-to-noise block.
    public struct SNR: Sendable, Codable, Equatable {
        public let factors: [SignalToNoise]
        public let aggregate: SignalToNoise
        public let noiseRuns: Int
        enum CodingKeys: String, CodingKey { case factors, aggregate, noiseRuns = "noise_runs" }
    }

    public let schemaVersion: Int
    /// What was analysed: runs (a sweep), or a correlation matrix (no runs: no scores,
    /// leaderboard, signal-to-noise or validation).
    public let input: Input
    /// What was analysed.
    public enum Input: String, Sendable, Codable {
        case runs
        case correlation
    }
    public let source: String
    public let noiseSource: String?
    /// Rows of the sweep that were not analysed, and why.
    public let skippedRuns: [SkippedRun]
    /// The task selection used: each task with its direction, why, and coverage;
    /// every run and task dropped for gaps; the missing-data policy.
    public let selection: SelectionReport
    public let nRuns: Int
    public let nTasks: Int
    public let tasks: [String]
    public let droppedTasks: [String]
    public let horn: ParallelAnalysis
    public let k: Int
    /// How k was chosen.
    public let kChoice: FactorCountChoice
    /// One short label per factor, from its highest-loading tasks.
    public let factorLabels: [String]
    public let em: EM
    /// p rows of k.
    public let loadings: [[Double]]
    public let psi: [Double]
    public let communality: [Double]
    public let noiseShare: [Double?]
    public let h2Ceiling: [Double?]
    public let tasksMissingFromNoise: [String]
    /// `nil` without a noise file.
    public let snr: SNR?
    /// Metric → r per factor (`nil` = undefined).
    public let validation: [String: [Double?]]
    public let runNames: [String]
    /// n rows of k.
    public let theta: [[Double]]
    public let leaderboard: [Leaderboard.Entry]
    /// Held-out metric names of each leaderboard entry's `held_out`.
    public let leaderboardHeldOut: [String]
    /// Extra column names of each leaderboard entry's `extra`.
    public let leaderboardExtra: [String]
    /// Noise runs' projected scores (rows of k), for plots.
    public let noiseTheta: [[Double]]?
    /// Decisions and doubts a reader must know (skipped rows, dropped tasks,
    /// an unconverged EM, tasks above their ceiling, …), in the order they arose.
    public private(set) var warnings: [AnalysisWarning]
    /// Joint draws behind the leaderboard's rank intervals.
    public let rankDraws: Int
    /// Fit statistics, neighbours, residuals, starts and the cost of non-negativity.
    public let fit: FitAssessment
    /// What the leaderboard's sds, rank intervals and `p_better` include; the
    /// tie group and the minimum detectable difference (`nil` without runs).
    public var uncertainty: ScoreUncertainty? = nil
    /// The fitted model (what `model.json` holds); `nil` only in a result decoded from JSON.
    public var model: FittedModel? = nil
    /// How ψ related to the noise floor in the fit (``PsiModel``); `nil` for a
    /// correlation input or a result written before it was recorded.
    public var psiModel: PsiModel? = nil
    /// Tasks whose fitted ψ rests on the noise floor (anchored, or at the floor under `--psi floor`).
    public var tasksAtNoiseFloor: Int? = nil
    /// What the aggregate is made of: each task's weight and share, the effective
    /// number of tasks, the shares by group (`nil` without runs, and in older files).
    public var aggregateWeights: AggregateWeights? = nil
    /// The aggregate's factor weights and how the leaderboard moves to the
    /// balanced aggregate (`nil` without runs, and in older files).
    public var aggregateDefinition: AggregateSummary? = nil

    /// This result with every warning passed through `transform` (e.g. a front
    /// end saying each ``AnalysisWarning/remedies`` in its own terms).
    public func mappingWarnings(_ transform: (AnalysisWarning) -> AnalysisWarning) -> AnalysisResult {
        var copy = self
        copy.warnings = warnings.map(transform)
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", input, source, noiseSource = "noise_source", skippedRuns = "skipped_runs"
        case selection, nRuns = "n_runs", nTasks = "n_tasks", tasks
        case droppedTasks = "dropped_tasks", horn, k, kChoice = "k_choice", factorLabels = "factor_labels", em
        case loadings, psi, communality
        case noiseShare = "noise_share", h2Ceiling = "h2_ceiling", tasksMissingFromNoise = "tasks_missing_from_noise"
        case snr, validation, runNames = "run_names", theta, leaderboard
        case leaderboardHeldOut = "leaderboard_held_out", leaderboardExtra = "leaderboard_extra"
        case noiseTheta = "noise_theta", warnings, rankDraws = "rank_draws", fit, uncertainty
        case psiModel = "psi_model", tasksAtNoiseFloor = "tasks_at_noise_floor"
        case aggregateWeights = "aggregate_weights", aggregateDefinition = "aggregate_definition"
    }


    init(
        source: String, noiseSource: String?, skippedRuns: [SkippedRun], prepared: PreparedSweep,
        horn: ParallelAnalysis, kChoice: FactorCountChoice, model: FactorModel, fitted: FittedModel,
        floor: NoiseFloor, snr: SignalToNoiseSummary?, validation: Validation, leaderboard: Leaderboard,
        warnings: [AnalysisWarning], rankDraws: Int, fit: FitAssessment, uncertainty: ScoreUncertainty
    ) {
        self.uncertainty = uncertainty
        schemaVersion = Self.currentSchemaVersion
        input = .runs
        self.source = source
        self.noiseSource = noiseSource
        self.skippedRuns = skippedRuns
        selection = prepared.selectionReport
        nRuns = prepared.z.rows
        nTasks = prepared.tasks.count
        tasks = prepared.tasks
        droppedTasks = prepared.droppedTasks
        self.horn = horn
        k = kChoice.k
        self.kChoice = kChoice
        factorLabels = fitted.factorLabels
        em = EM(model.diagnostics)
        loadings = model.loadings.rowArrays
        psi = model.psi
        communality = model.communality
        noiseShare = floor.noiseShare
        h2Ceiling = floor.h2Ceiling
        tasksMissingFromNoise = floor.tasksMissingFromNoise
        self.snr = snr.map { SNR(factors: $0.factors, aggregate: $0.aggregate, noiseRuns: $0.noiseRuns) }
        var v: [String: [Double?]] = [:]
        for (m, metric) in validation.metrics.enumerated() { v[metric] = validation.correlations[m] }
        self.validation = v
        runNames = fitted.sweep.runNames
        theta = fitted.sweep.theta
        self.leaderboard = leaderboard.entries
        leaderboardHeldOut = leaderboard.heldOutMetrics
        leaderboardExtra = leaderboard.extraColumns
        noiseTheta = snr?.noiseScores.rowArrays
        self.warnings = warnings
        self.rankDraws = rankDraws
        self.fit = fit
        self.model = fitted
    }

    /// The result of a correlation-matrix input: Horn, the fit and its statistics; no runs.
    init(correlation c: CorrelationInput, selection: SelectionReport, horn: ParallelAnalysis, kChoice: FactorCountChoice,
         model: FactorModel, factorLabels: [String], warnings: [AnalysisWarning], fit: FitAssessment) {
        schemaVersion = Self.currentSchemaVersion
        input = .correlation
        source = c.source
        noiseSource = nil
        skippedRuns = []
        self.selection = selection
        nRuns = c.observations
        nTasks = c.tasks.count
        tasks = c.tasks
        droppedTasks = []
        self.horn = horn
        k = kChoice.k
        self.kChoice = kChoice
        self.factorLabels = factorLabels
        em = EM(model.diagnostics)
        loadings = model.loadings.rowArrays
        psi = model.psi
        communality = model.communality
        noiseShare = [Double?](repeating: nil, count: c.tasks.count)
        h2Ceiling = [Double?](repeating: nil, count: c.tasks.count)
        tasksMissingFromNoise = []
        snr = nil
        validation = [:]
        runNames = []
        theta = []
        leaderboard = []
        leaderboardHeldOut = []
        leaderboardExtra = []
        noiseTheta = nil
        self.warnings = warnings
        rankDraws = 0
        self.fit = fit
        self.model = nil
    }
}
