import Linalg

/// Posterior factor scores of a set of runs under a ``FittedModel``, each with
/// its uncertainty, in the order of the scored rows (skipped runs left out).
public struct RunScores: Sendable, Equatable {
    /// The scored runs' names and file lines.
    public let runNames: [String]
    public let lines: [Int]
    /// Posterior means θ̂ (runs × k).
    public let theta: Matrix
    /// `a = Σ_j c_j θ̂_j` per run (the model's ``FittedModel/aggregateDefinition``).
    public let aggregate: [Double]
    /// Posterior sd of the aggregate, `sqrt(cᵀVc)`, per run.
    public let aggregateSD: [Double]
    /// `sqrt(diag V)` per run (runs × k, rows).
    public let thetaSD: [[Double]]
    /// Share of the model's tasks observed, per run.
    public let coverage: [Double]
    /// The distinct posterior covariances V (k × k) — one per pattern of observed tasks…
    public let covariances: [Matrix]
    /// …and the index of each run's own.
    public let covarianceIndex: [Int]
    /// Rows that could not be scored (no task observed), with their lines.
    public let skipped: [SkippedRun]

    /// The posterior covariance of run `i`.
    public func covariance(ofRun i: Int) -> Matrix { covariances[covarianceIndex[i]] }
}
