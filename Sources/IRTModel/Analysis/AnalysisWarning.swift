/// Something a reader of the result must know: a decision the analysis took
/// for the user, or a result that might be wrong. Said in the terminal
/// summary, the report's first card and `result.json` (`warnings`).
///
/// The ``kind`` is what a program tests; the ``message`` is for people;
/// ``subjects`` names the tasks or runs concerned (possibly empty).
public struct AnalysisWarning: Sendable, Codable, Equatable, CustomStringConvertible {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Fewer Monte Carlo draws than a 95% quantile needs (``Analysis/drawWarnings(nullDraws:rankDraws:)``).
        case fewDraws = "few_draws"
        /// Rows were skipped (e.g. a `status` other than `completed`).
        case runsSkipped = "runs_skipped"
        /// Columns a wildcard task pattern matched hold text (at least half of
        /// their filled cells) and are not tasks.
        case textColumnsSkipped = "text_columns_skipped"
        /// Columns a wildcard task pattern matched have no name or are a row
        /// index (pandas' `to_csv`), and are not tasks.
        case indexColumnsSkipped = "index_columns_skipped"
        /// Constant tasks were dropped.
        case constantTasksDropped = "constant_tasks_dropped"
        /// Horn's k95 is 0: no factor stands above noise, k = 1 was fitted.
        case noFactorAboveNoise = "no_factor_above_noise"
        /// Tasks have no noise anchor (free ψ, no ceiling).
        case tasksWithoutNoiseAnchor = "tasks_without_noise_anchor"
        /// The EM stopped at its cap before its stop rule was met.
        case emNotConverged = "em_not_converged"
        /// Tasks' communality exceeds their noise ceiling.
        case aboveNoiseCeiling = "above_noise_ceiling"
        /// The SNR rests on few replicate runs (its interval is wide).
        case fewReplicates = "few_replicates"
        /// Replicates agree exactly on a score: its SNR is unbounded.
        case unboundedSNR = "unbounded_snr"
        /// Some runs of the noise file are runs of the sweep (same name and
        /// task values); all of them is an error.
        case noiseRunsInSweep = "noise_runs_in_sweep"
        /// Tasks absent from the noise file count as noise-free.
        case tasksMissingFromNoise = "tasks_missing_from_noise"
        /// Runs of a scored file have no task at all and were not scored.
        case runsNotScored = "runs_not_scored"
        /// k was capped at Ledermann's bound.
        case factorsCapped = "factors_capped"
        /// The start check found a better optimum than the reported fit.
        case betterOptimumFound = "better_optimum_found"
        /// Several starts were compared (how many reached the best).
        case startsCompared = "starts_compared"
        /// A free uniqueness fell below 0.005.
        case heywoodCase = "heywood_case"
        /// Runs were dropped for missing cells (low coverage or listwise deletion).
        case runsDropped = "runs_dropped"
        /// Tasks were dropped for low coverage.
        case tasksDropped = "tasks_dropped"
        /// Horn's analysis ran on pairwise-complete correlations with masked null draws.
        case gapsInHorn = "gaps_in_horn"
        /// The factor model was fitted to data with gaps (two-stage missing-data EM).
        case fittedWithGaps = "fitted_with_gaps"
        /// A covariance matrix given as input was standardized.
        case covarianceStandardized = "covariance_standardized"
        /// The input is a correlation matrix: the views that need runs are left out.
        case noRuns = "no_runs"
        /// The model fits poorly (RMSEA above 0.1).
        case poorFit = "poor_fit"
        /// Fit statistics are undefined for this sweep.
        case fitStatisticsUnavailable = "fit_statistics_unavailable"
        /// Rows of the noise file were skipped (a `status` other than `completed`).
        case noiseRunsSkipped = "noise_runs_skipped"
        /// Task cells of the noise file are missing (empty or NaN).
        case noiseCellsMissing = "noise_cells_missing"
        /// A score varies less across the sweep than across replicates: SNR below 0, shown as 0.
        case noSignalAboveNoise = "no_signal_above_noise"
        /// Run names repeat; scores and ranks are per row.
        case duplicateRunNames = "duplicate_run_names"
        /// Default held-out metrics are tasks of the selection and were left out.
        case heldOutMetricsAreTasks = "held_out_metrics_are_tasks"
        /// The loadings are weakly identified (a rotation keeping Λ ≥ 0 leaves the
        /// likelihood unchanged): the EM stopped on Σ, and the message says how much
        /// the leaderboard moves across starts.
        case weaklyIdentified = "weakly_identified"
        /// The free-loading fit of the assessment ended below the non-negative
        /// fit's likelihood (a local optimum of the free model): the cost of
        /// non-negativity is not measured.
        case freeFitBelowNonnegative = "free_fit_below_nonnegative"
        /// The start check found no better optimum, but some of its starts
        /// stopped at their cap unconverged: it is inconclusive.
        case startCheckInconclusive = "start_check_inconclusive"
        /// The scores' uncertainty is the model's posterior, not seed noise
        /// measured on replicate runs (none, too few, or not scorable).
        case uncertaintyModelBased = "uncertainty_model_based"
        /// The replicates are seeds of several mixtures (a replicate-group
        /// column): seed noise was estimated per group and compared; the noise
        /// floor and the signal-to-noise still take all of them as one mixture.
        case seedNoiseGrouped = "seed_noise_grouped"
        /// The replicate groups' aggregate seed variances differ (Bartlett's
        /// p < 0.05): the same seed noise for every run does not hold, and the
        /// largest group's estimate is used.
        case seedNoiseUnequal = "seed_noise_unequal"
        /// Half of the aggregate's weight sits on fewer than a quarter of the
        /// tasks (``AggregateWeights/isConcentrated``).
        case aggregateConcentrated = "aggregate_concentrated"
        /// A factor's loadings collapsed to zero (a fixed point of EM) and the fit
        /// was rerun from the eigenvector start (``DegenerateRestart``).
        case degenerateFitRestarted = "degenerate_fit_restarted"
        /// Runs far outside the others on a task, by robust z (``OutlyingRuns``).
        case outlyingRuns = "outlying_runs"
        /// `score`: runs whose aggregate lies beyond the sweep's range by more than
        /// ``FittedModel/outsideSweepMargin`` of it.
        case runsOutsideSweep = "runs_outside_sweep"
    }

    /// What a user can do about a warning, in the library's terms; a front end
    /// says it in its own (the command line names its flags: `IRTCommandLine`).
    public enum Remedy: Sendable, Equatable {
        /// Fit from this many seeded starts and report the best.
        case moreStarts(Int)
        /// Draw Horn's null this many times.
        case moreNullDraws(Int)
        /// Draw the rank intervals' posterior this many times.
        case moreRankDraws(Int)
        /// Fit with the other M-step.
        case otherMStep(MStep)
        /// Allow more EM map evaluations (``FitOptions/maxIterations``).
        case moreIterations
        /// Run the start check (``AnalysisOptions/startCheck``) that was skipped.
        case runStartCheck
        /// Refit with free loadings from this many starts and compare.
        case freeLoadingsWithStarts(Int)
        /// Give at least this many replicate runs of one mixture (seeds only differ).
        case addReplicates(Int)
        /// Define the aggregate otherwise: the balanced one, or factor weights of one's own
        /// (``AggregateOptions/definition``).
        case otherAggregate
    }

    public let kind: Kind
    /// For people: what happened and what it means, without the remedy.
    public let message: String
    public let subjects: [String]
    /// What the user can do about it (possibly nothing), in the order to try.
    public let remedies: [Remedy]

    public init(_ kind: Kind, _ message: String, subjects: [String] = [], remedies: [Remedy] = []) {
        self.kind = kind
        self.message = message
        self.subjects = subjects
        self.remedies = remedies
    }

    /// This warning with another message (e.g. the remedy said in a front end's terms).
    public func withMessage(_ message: String) -> AnalysisWarning {
        AnalysisWarning(kind, message, subjects: subjects, remedies: remedies)
    }

    // `result.json` carries a warning's remedies as a front end said them, in
    // `message` (the command line's flags); the typed form is the library's.
    private enum CodingKeys: String, CodingKey { case kind, message, subjects }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        message = try c.decode(String.self, forKey: .message)
        subjects = try c.decode([String].self, forKey: .subjects)
        remedies = []
    }

    public var description: String { message }

    /// `"a, b, c"`, or the first `limit` names and a count of the rest.
    public static func list(_ names: [String], limit: Int = 12) -> String {
        names.count <= limit ? names.joined(separator: ", ")
            : names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more"
    }
}
