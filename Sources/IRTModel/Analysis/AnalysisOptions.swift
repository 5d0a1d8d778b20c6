/// Everything a user can change about an analysis; the defaults are METHOD.md's.
public struct AnalysisOptions: Sendable, Equatable {
    /// Which columns are tasks and which way is better (METHOD.md §2).
    public var selection: TaskSelection
    /// Keep only rows whose `status` equals this, when the column exists; `nil` keeps every row.
    public var requiredStatus: String?
    /// Monte Carlo draws of Horn's null.
    public var draws: Int
    /// Seed of Horn's null.
    public var seed: UInt64
    /// How Horn's ranks are counted.
    public var hornRule: ParallelAnalysis.Rule
    /// Worker threads for Horn's draws (`nil`: all cores). Never changes the result.
    public var threads: Int?
    /// The factor-model fit; `fit.factors == nil` takes Horn's k95.
    public var fit: FitOptions
    /// Held-out metrics to validate the scores against (METHOD.md §8); absent ones are skipped.
    public var heldOutMetrics: [String]
    /// Columns copied into the leaderboard when present (none by default;
    /// ``ReferencePreset/leaderboardColumns`` for the reference sweep).
    public var leaderboardColumns: [String]
    /// A task is dropped as constant when its observed values are all equal or
    /// `max − min ≤ constantTolerance · max |x|` (METHOD.md §3): relative to the
    /// task's own magnitude, so multiplying a task by 1e-100, 1e300 or −100 does
    /// not change the decision.
    public var constantTolerance: Double
    /// The constant-task tolerance under its former name; it is now relative
    /// (``constantTolerance``), no longer a threshold on the sd.
    @available(*, deprecated, renamed: "constantTolerance")
    public var zeroVarianceThreshold: Double {
        get { constantTolerance }
        set { constantTolerance = newValue }
    }
    /// Joint posterior draws behind the leaderboard's rank intervals and `p_best` (seeded with ``seed``).
    public var rankDraws: Int
    /// EM starts; start 1 is the ``FitOptions`` start, start i > 1 draws Λ0 from `initSeed + i − 1`;
    /// the highest log-likelihood is reported.
    public var starts: Int
    /// Extra seeded starts run (when ``starts`` is 1) only to warn when a better optimum exists; 0 skips the check.
    public var startCheck: Int
    /// Fit k − 1, k + 1 and free loadings too, for the fit card's neighbours and the cost of non-negativity.
    public var assessFit: Bool
    /// Refits of the bootstrap over runs behind the model's own uncertainty
    /// (``ModelBootstrap``); 0 leaves it out. Complete data only.
    public var bootstrap: Int = AnalysisOptions.defaultBootstrap
    /// The default number of bootstrap refits: 0, so that the default analysis
    /// stays within its speed guard (a tenth of the NumPy reference's time);
    /// 100 refits add about 1–2 s on the bundled sample.
    public static let defaultBootstrap = 0

    /// These options without the start check and the k ± 1 and free-loading
    /// fits: the fit itself is unchanged, only the fit card's extras are skipped.
    public var withoutFitChecks: AnalysisOptions {
        var o = self
        o.startCheck = 0
        o.assessFit = false
        return o
    }
    /// The most bytes the p × p steps may need (``MemoryEstimate``); a wider
    /// sweep is refused up front with ``AnalysisError/tooManyTasks(file:tasks:runs:bytes:limit:maximumTasks:)``.
    /// `nil`: half the physical memory (``MemoryEstimate/defaultLimit``).
    public var memoryLimit: Int? = nil
    /// The column naming the runs; `nil` takes `run_name`, else the first
    /// non-numeric column, else numbered rows (``EvalMatrix/runColumn``).
    /// Applied when the sweep is read (``EvalMatrix/withRunColumn(_:)``).
    public var runColumn: String?
    /// Texts read as missing besides ``EvalMatrix/standardMissingTokens`` (e.g. `-1`).
    /// Applied when the sweep is read (``EvalMatrix/treatingAsMissing(_:)``).
    public var missingTokens: [String]
    /// What to do with missing task cells (``PreparedSweep``); ``MissingPolicy/fit`` by default.
    public var missing: MissingPolicy
    /// Runs, then tasks, observed on less than this share are dropped (and
    /// listed in ``PreparedSweep/selectionReport``); 0.5 by default.
    public var minCoverage: Double
    /// The noise file's column naming the mixture each replicate run is a seed
    /// of; `nil` takes every replicate as a seed of one mixture. With it, the
    /// seed noise is estimated per group, pooled, and the groups' aggregate
    /// variances are compared by Bartlett's test (``SeedNoise/init(theta:posteriors:groups:)``,
    /// METHOD.md §7a); the noise floor and the signal-to-noise still take all
    /// replicates as one mixture (said in the `seed_noise_grouped` warning).
    /// A column missing from the noise file, an empty cell in it, or a group
    /// with fewer than 2 scorable runs is an ``AnalysisError``.
    public var replicateGroupColumn: String? = nil
    /// How ψ relates to the noise floor (``PsiModel``): ψ ≥ the floor, estimated, by default
    /// (the choice and its evidence: METHOD.md §6, "The ψ model"); the reference anchors it.
    public var psiModel: PsiModel = .floor
    /// The aggregate's factor weights and the task groups of its make-up (METHOD.md §8a); the mean of θ by default.
    public var aggregate = AggregateOptions()

    /// The default held-out metrics: the reference's (``ReferencePreset/heldOutMetrics``).
    public static let defaultHeldOutMetrics = ReferencePreset.heldOutMetrics

    public init(
        selection: TaskSelection = .reference, requiredStatus: String? = "completed", draws: Int = 500,
        seed: UInt64 = 42, hornRule: ParallelAnalysis.Rule = .sequential, threads: Int? = nil,
        fit: FitOptions = FitOptions(), heldOutMetrics: [String] = AnalysisOptions.defaultHeldOutMetrics,
        leaderboardColumns: [String] = [], constantTolerance: Double = 1e-12,
        rankDraws: Int = 2000, runColumn: String? = nil, missingTokens: [String] = [],
        missing: MissingPolicy = .default, minCoverage: Double = AnalysisOptions.defaultMinCoverage,
        starts: Int = 1, startCheck: Int = 8, assessFit: Bool = true
    ) {
        self.selection = selection
        self.requiredStatus = requiredStatus
        self.draws = draws
        self.seed = seed
        self.hornRule = hornRule
        self.threads = threads
        self.fit = fit
        self.heldOutMetrics = heldOutMetrics
        self.leaderboardColumns = leaderboardColumns
        self.constantTolerance = constantTolerance
        self.rankDraws = rankDraws
        self.runColumn = runColumn
        self.missingTokens = missingTokens
        self.missing = missing
        self.minCoverage = minCoverage
        self.starts = starts
        self.startCheck = startCheck
        self.assessFit = assessFit
    }

    /// The default minimum coverage: a run or task observed on less than half
    /// of the other side carries more gap than information.
    public static let defaultMinCoverage = 0.5

    /// `sweep` read as these options ask: extra missing tokens, then the run column.
    ///
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` for an unknown ``runColumn``.
    public func reading(_ sweep: EvalMatrix) throws(AnalysisError) -> EvalMatrix {
        var matrix = missingTokens.isEmpty ? sweep : sweep.treatingAsMissing(missingTokens)
        if let runColumn { matrix = try matrix.withRunColumn(runColumn) }
        return matrix
    }

    /// The prepared sweep of `sweep` under every reading and preparation
    /// option: ``reading(_:)``, the status filter (``requiredStatus``), then
    /// ``PreparedSweep`` with ``selection``, ``missing`` and ``minCoverage``.
    ///
    /// - Returns: the rows kept by the status filter (``PreparedSweep/rowIndices`` index them) and the prepared sweep.
    /// - Throws: the errors of ``reading(_:)``, ``AnalysisError/rowsSkippedForStatus(file:skipped:rows:statuses:required:needed:)``
    ///   and ``PreparedSweep/init(sweep:selection:missing:minCoverage:constantTolerance:minimumRuns:)``.
    public func prepare(_ sweep: EvalMatrix) throws(AnalysisError) -> (kept: EvalMatrix, prepared: PreparedSweep) {
        let read = try reading(sweep)
        let kept = try Analysis.keptRuns(read, required: requiredStatus, needed: 3).kept
        let prepared = try PreparedSweep(sweep: kept, selection: selection, missing: missing, minCoverage: minCoverage,
                                         constantTolerance: constantTolerance)
        return (kept, prepared)
    }
}
