import Foundation
import Linalg

/// A fitted model, complete enough to score new runs exactly as the sweep was
/// scored and to rank them among the sweep: what `model.json` holds.
///
/// A run's raw task values `x_t` are signed and standardized with the sweep's
/// statistics, then projected with the Gaussian posterior of its observed tasks
/// (``Posterior``):
///
/// ```
/// z_t = (sign_t · x_t − mean_t) / sd_t,   θ̂ = z_O B V,   Cov(θ) = V,   a = Σ_j c_j θ_j
/// ```
///
/// with the factor weights c of ``aggregate`` (`c_j = 1/k`, the mean of θ, by default).
///
/// `Codable` to the versioned schema of METHOD.md §10 (snake_case keys); a
/// file of another ``schemaVersion`` is refused by ``init(contentsOf:)``.
public struct FittedModel: Sendable, Codable, Equatable {
    /// The schema this version of IRTKit writes. Bumped on every change of keys or meaning
    /// (2: `seed_noise`).
    public static let currentSchemaVersion = 3
    /// The schemas this version reads: version 1 lacks `seed_noise` (its uncertainty is the posterior's).
    public static let readableSchemaVersions = 1...3

    /// One task of the model.
    public struct Task: Sendable, Codable, Equatable {
        /// The column name.
        public let name: String
        /// Which way is better; values are multiplied by its sign before standardizing.
        public let direction: TaskSelection.Direction
        /// Mean of the signed values over the sweep runs.
        public let mean: Double
        /// Population sd (divisor n) of the signed values over the sweep runs.
        public let sd: Double
        /// The task's row of Λ (k loadings).
        public let loadings: [Double]
        /// Its uniqueness ψ.
        public let psi: Double
        /// Whether ψ was fixed by the noise floor (not estimated).
        public let anchored: Bool
        /// The aggregate's weight on the task's standardized value for a run observed
        /// on every task (``AggregateWeights``); absent in older files. Written, not read:
        /// scoring derives it from the loadings, ψ and ``FittedModel/aggregate``.
        public var aggregateWeight: Double? = nil

        enum CodingKeys: String, CodingKey {
            case name, direction, mean, sd, loadings, psi, anchored, aggregateWeight = "aggregate_weight"
        }

        public init(name: String, direction: TaskSelection.Direction, mean: Double, sd: Double,
                    loadings: [Double], psi: Double, anchored: Bool) {
            self.name = name
            self.direction = direction
            self.mean = mean
            self.sd = sd
            self.loadings = loadings
            self.psi = psi
            self.anchored = anchored
        }
    }

    /// How the model was fitted.
    public struct Provenance: Sendable, Codable, Equatable {
        /// The sweep file (as given) and the noise file, if any.
        public let sweepSource: String
        public let noiseSource: String?
        /// The task selection used, with each task's direction, why, and coverage, and every drop.
        public let selection: SelectionReport
        /// How k was chosen.
        public let kChoice: FactorCountChoice
        /// Horn's Monte Carlo draws and seed.
        public let hornDraws: Int
        public let hornSeed: UInt64
        /// The EM's options and how it ended.
        public let mStep: MStep
        public let stopRule: StopRule
        public let acceleration: Acceleration
        public let maxIterations: Int
        public let initSeed: UInt64
        public let iterations: Int
        public let converged: Bool
        public let logLikelihood: Double
        /// What the stop rule measured (Λ, or Σ for weakly identified loadings);
        /// absent in files written before it was recorded.
        public var stopQuantity: StopQuantity? = nil
        /// Pinned or weakly identified loadings (absent: free loadings, or an older file).
        public var identification: LoadingIdentification? = nil

        enum CodingKeys: String, CodingKey {
            case sweepSource = "sweep_source", noiseSource = "noise_source", selection, kChoice = "k_choice"
            case hornDraws = "horn_draws", hornSeed = "horn_seed", mStep = "m_step", stopRule = "stop_rule"
            case acceleration, maxIterations = "max_iterations", initSeed = "init_seed", iterations, converged
            case logLikelihood = "log_likelihood", stopQuantity = "stop_quantity", identification
        }
    }

    /// The sweep's runs as the model scored them, to rank new runs among.
    public struct Sweep: Sendable, Codable, Equatable {
        public let runNames: [String]
        /// Posterior means θ̂ (runs × k).
        public let theta: [[Double]]
        /// Aggregates `mean_j θ̂_j` and their posterior sds.
        public let aggregate: [Double]
        public let aggregateSD: [Double]
        /// Share of the model's tasks each run was observed on.
        public let coverage: [Double]
        /// Distinct posterior covariances V (each k × k, rows) and, per run, the index of its own.
        public let covariances: [[[Double]]]
        public let covarianceIndex: [Int]

        enum CodingKeys: String, CodingKey {
            case runNames = "run_names", theta, aggregate, aggregateSD = "aggregate_sd", coverage, covariances
            case covarianceIndex = "covariance_index"
        }
    }

    public let schemaVersion: Int
    /// The IRTKit version that wrote the model.
    public let irtkitVersion: String
    /// The tasks, in the model's order.
    public private(set) var tasks: [Task]
    /// One short label per factor (``FactorLabels``).
    public let factorLabels: [String]
    public let provenance: Provenance
    public let sweep: Sweep
    /// The seed noise of the scores measured on replicate runs (``SeedNoise``), when
    /// there were enough; scores, ranks and `p_better` of new runs use it. Absent:
    /// the model's posterior (and in files of schema version 1).
    public var seedNoise: SeedNoise? = nil
    /// How the aggregate combines the factors; absent (older files): the mean of θ.
    public private(set) var aggregate: AggregateDefinition? = nil

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", irtkitVersion = "irtkit_version", tasks
        case factorLabels = "factor_labels", provenance, sweep, seedNoise = "seed_noise", aggregate
    }

    /// The aggregate's factor weights: ``aggregate``, or the mean of θ when the file has none.
    public var aggregateDefinition: AggregateDefinition { aggregate ?? .mean(factors: factorCount) }

    /// The number of factors k.
    public var factorCount: Int { factorLabels.count }

    /// Λ (p × k).
    public var loadings: Matrix {
        Matrix(rows: tasks.count, columns: factorCount) { i, j in tasks[i].loadings[j] }
    }

    /// ψ (p).
    public var psi: [Double] { tasks.map(\.psi) }

    /// The posterior given tasks `observed` (indices into ``tasks``).
    public func posterior(observed: [Int]) throws(AnalysisError) -> Posterior {
        try Posterior(loadings: loadings, psi: psi, observed: observed)
    }

    /// The complete-data posterior (every task observed).
    public func posterior() throws(AnalysisError) -> Posterior {
        try posterior(observed: Array(tasks.indices))
    }
}

extension FittedModel {
    /// Builds the model of an analysis: the prepared sweep's tasks and
    /// statistics, the fit, and the sweep's own posterior scores.
    init(prepared: PreparedSweep, fit: FactorModel, anchored: [Bool], provenance: Provenance) throws(AnalysisError) {
        let p = prepared.tasks.count, k = fit.factorCount
        let taskList = (0..<p).map { t in
            Task(name: prepared.tasks[t], direction: prepared.signs[t] < 0 ? .lowerIsBetter : .higherIsBetter,
                 mean: prepared.standardization.means[t], sd: prepared.standardization.standardDeviations[t],
                 loadings: (0..<k).map { fit.loadings[t, $0] }, psi: fit.psi[t], anchored: anchored[t])
        }
        let labels = FactorLabels.make(tasks: prepared.tasks, loadings: fit.loadings)
        let partial = FittedModel(
            schemaVersion: Self.currentSchemaVersion, irtkitVersion: IRTKitVersion.string, tasks: taskList,
            factorLabels: labels, provenance: provenance,
            sweep: Sweep(runNames: [], theta: [], aggregate: [], aggregateSD: [], coverage: [],
                         covariances: [], covarianceIndex: []))
        let scores = try partial.score(standardized: prepared.z, runNames: prepared.runNames, lines: prepared.lines,
                                       observed: prepared.hasGaps ? prepared.observed : nil)
        self = partial.with(sweep: Sweep(
            runNames: scores.runNames, theta: scores.theta.rowArrays, aggregate: scores.aggregate,
            aggregateSD: scores.aggregateSD, coverage: scores.coverage,
            covariances: scores.covariances.map { $0.rowArrays }, covarianceIndex: scores.covarianceIndex))
    }

    private func with(sweep: Sweep) -> FittedModel {
        FittedModel(schemaVersion: schemaVersion, irtkitVersion: irtkitVersion, tasks: tasks,
                    factorLabels: factorLabels, provenance: provenance, sweep: sweep, seedNoise: seedNoise,
                    aggregate: aggregate)
    }

    /// This model with the aggregate `definition`: the sweep's aggregates and
    /// their posterior sds recomputed from its θ̂ and covariances (unchanged for
    /// the mean, which they already are), and each task's ``Task/aggregateWeight``.
    ///
    /// - Precondition: `definition` has k factor weights.
    /// - Throws: ``AnalysisError/numerical(_:)`` when the posterior cannot be formed.
    /// - Complexity: O(n k + p k² + k³).
    public func with(aggregate definition: AggregateDefinition) throws(AnalysisError) -> FittedModel {
        precondition(definition.factorCount == factorCount, "one factor weight per factor")
        var model = self
        model.aggregate = definition
        if definition.kind != .mean {
            let sds = sweep.covariances.map { v in definition.sd(Matrix(rows: v.count, columns: v.count) { v[$0][$1] }) }
            model = model.with(sweep: Sweep(
                runNames: sweep.runNames, theta: sweep.theta, aggregate: sweep.theta.map(definition.combine),
                aggregateSD: sweep.covarianceIndex.map { sds[$0] }, coverage: sweep.coverage,
                covariances: sweep.covariances, covarianceIndex: sweep.covarianceIndex))
        }
        let weights = try AggregateWeights.taskWeights(model)
        for t in model.tasks.indices { model.tasks[t].aggregateWeight = weights[t] }
        return model
    }
}

extension FittedModel {
    /// The model of a fit made outside ``Analysis`` (k fixed, Horn not run), with
    /// the provenance the fit itself records.
    init(prepared: PreparedSweep, fit: FactorModel, anchored: [Bool], selection: TaskSelection,
         source: String) throws(AnalysisError) {
        let d = fit.diagnostics
        try self.init(prepared: prepared, fit: fit, anchored: anchored, provenance: Provenance(
            sweepSource: source, noiseSource: nil, selection: prepared.selectionReport,
            kChoice: FactorCountChoice(rule: .fixed, k: fit.factorCount, k95: nil, kMean: nil), hornDraws: 0,
            hornSeed: 0, mStep: d.mStep, stopRule: d.stopRule, acceleration: d.acceleration,
            maxIterations: d.maxIterations, initSeed: 0, iterations: d.iterations, converged: d.converged,
            logLikelihood: d.logLikelihood, stopQuantity: d.stopQuantity, identification: d.identification))
    }
}
