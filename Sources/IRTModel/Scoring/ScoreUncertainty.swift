import Foundation

/// What the leaderboard's `± sd`, rank intervals, `p_best` and `p_better`
/// include, and the decisions they support (METHOD.md §7a): `uncertainty` in
/// `result.json`.
///
/// With replicate runs (``Source/seedReplicates``), a run's `aggregate_sd` is
/// how far its aggregate would move if it were retrained with another seed
/// (``SeedNoise``, plus the posterior's extra variance where it misses tasks),
/// and intervals draw the seed variance from its estimate's law. Without
/// (``Source/modelPosterior``), they are the factor model's posterior given the
/// fitted loadings, which treats each task's noise as independent and is not
/// checked against seed noise. Neither includes the fitted loadings' own
/// uncertainty.
public struct ScoreUncertainty: Sendable, Codable, Equatable {
    /// Where the uncertainty comes from.
    public enum Source: String, Sendable, Codable, CaseIterable {
        /// Seed noise measured on replicate runs, in score space.
        case seedReplicates = "seed_replicates"
        /// The factor model's posterior given the fitted loadings.
        case modelPosterior = "model_posterior"
    }

    /// `P(A > B)` for the top runs.
    public struct PBetter: Sendable, Codable, Equatable {
        /// The runs, best point estimate first.
        public let runs: [String]
        /// `p[a][b] = P(aggregate of runs[a] > aggregate of runs[b])`.
        public let p: [[Double]]
    }

    public let source: Source
    /// Σ̂, the seed covariance of θ (k × k), with replicates.
    public let seedCovariance: [[Double]]?
    /// Its degrees of freedom ν = m − 1.
    public let seedCovarianceDF: Int?
    /// Replicate runs scored.
    public let seedReplicates: Int?
    /// The aggregate's seed sd `σ̂_a` of a complete run.
    public let aggregateSeedSD: Double?
    /// The smallest aggregate difference between two complete runs told apart at 95%.
    public let minDetectableDifference: Double
    /// …as a share of the sd of the sweep's aggregates.
    public let minDetectableShare: Double
    /// Runs not told apart from the best at 95% (``PairwiseComparison``), best first.
    public let tieGroup: [String]
    /// `p_better` among the top runs.
    public let pBetter: PBetter
    /// Joint draws behind intervals and probabilities.
    public let draws: Int

    enum CodingKeys: String, CodingKey {
        case source, seedCovariance = "seed_covariance", seedCovarianceDF = "seed_covariance_df"
        case seedReplicates = "seed_replicates", aggregateSeedSD = "aggregate_seed_sd"
        case minDetectableDifference = "min_detectable_difference", minDetectableShare = "min_detectable_share"
        case tieGroup = "tie_group", pBetter = "p_better", draws
    }

    /// Summarises `noise` for the runs `runNames` (in the order of its aggregates).
    ///
    /// - Parameters:
    ///   - noise: the joint law of the runs' aggregates.
    ///   - seedNoise: the seed noise behind a ``AggregateNoise/Law/seed(variance:degreesOfFreedom:extra:)`` law.
    ///   - runNames: one per aggregate.
    ///   - comparison: the pairwise comparison of the same draws.
    public init(noise: AggregateNoise, seedNoise: SeedNoise?, runNames: [String], comparison: PairwiseComparison) {
        source = seedNoise == nil ? .modelPosterior : .seedReplicates
        seedCovariance = seedNoise?.covariance
        seedCovarianceDF = seedNoise?.degreesOfFreedom
        seedReplicates = seedNoise?.replicates
        aggregateSeedSD = seedNoise.map { $0.aggregateVariance.squareRoot() }
        minDetectableDifference = noise.minimumDetectableDifference
        let a = noise.aggregates
        let mean = a.isEmpty ? 0 : a.reduce(0, +) / Double(a.count)
        let sd = a.count > 1 ? (a.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(a.count - 1)).squareRoot() : 0
        minDetectableShare = sd > 0 ? minDetectableDifference / sd : .nan
        tieGroup = comparison.tieGroup.map { runNames[$0] }
        pBetter = PBetter(runs: comparison.runs.map { runNames[$0] }, p: comparison.pBetter)
        draws = comparison.draws
    }
}
