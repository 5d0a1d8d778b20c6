import Foundation
import Linalg

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
    /// Its degrees of freedom ν = m − 1 (with replicate groups: the pooled
    /// Σ_g (m_g − 1), or the largest group's m_g − 1, per ``bartlett``'s rule).
    public let seedCovarianceDF: Int?
    /// Replicate runs scored (with groups: those behind the estimate used).
    public let seedReplicates: Int?
    /// The aggregate's seed sd `σ̂_a` of a complete run.
    public let aggregateSeedSD: Double?
    /// The replicate groups behind the seed noise (one mixture each), with a
    /// replicate-group column (``AnalysisOptions/replicateGroupColumn``); `nil` otherwise.
    public let seedGroups: [SeedNoise.Group]?
    /// Bartlett's test of the groups' aggregate variances and the estimate it
    /// chose (``SeedNoise/GroupTest``), with two groups or more.
    public let bartlett: SeedNoise.GroupTest?
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
    /// The bootstrap of the fit over runs, when it ran (its deviations are not written).
    public let bootstrap: Bootstrap?
    /// Why the fit's own uncertainty is not (fully) included, when it is not.
    public let bootstrapNote: String?
    /// ``bootstrapNote`` when no refits were asked for (``AnalysisOptions/bootstrap`` is 0).
    public static let notRequested = "not measured (no bootstrap refits asked for)"

    /// The bootstrap as `result.json` shows it.
    public struct Bootstrap: Sendable, Codable, Equatable {
        /// Refits asked for, and those that failed.
        public let n: Int
        public let failed: Int
        /// The lowest r between a refit's aggregates and the full fit's.
        public let lowestAggregateR: Double
        /// The median over runs of the aggregate's sd across refits.
        public let medianAggregateSDModel: Double
        enum CodingKeys: String, CodingKey {
            case n, failed, lowestAggregateR = "lowest_aggregate_r", medianAggregateSDModel = "median_aggregate_sd_model"
        }
    }

    enum CodingKeys: String, CodingKey {
        case source, seedCovariance = "seed_covariance", seedCovarianceDF = "seed_covariance_df"
        case seedReplicates = "seed_replicates", aggregateSeedSD = "aggregate_seed_sd"
        case seedGroups = "seed_groups", bartlett
        case minDetectableDifference = "min_detectable_difference", minDetectableShare = "min_detectable_share"
        case tieGroup = "tie_group", pBetter = "p_better", draws, bootstrap, bootstrapNote = "bootstrap_note"
    }

    /// Summarises `noise` for the runs `runNames` (in the order of its aggregates).
    ///
    /// - Parameters:
    ///   - noise: the joint law of the runs' aggregates.
    ///   - seedNoise: the seed noise behind a ``AggregateNoise/Law/seed(variance:degreesOfFreedom:extra:)`` law.
    ///   - runNames: one per aggregate.
    ///   - comparison: the pairwise comparison of the same draws.
    ///   - bootstrap: the fit's refits, when they ran; `bootstrapNote` why not (or what failed).
    ///   - aggregate: the aggregate's factor weights behind ``aggregateSeedSD`` (`nil`: the mean of θ).
    public init(noise: AggregateNoise, seedNoise: SeedNoise?, runNames: [String], comparison: PairwiseComparison,
                bootstrap: ModelBootstrap? = nil, bootstrapNote: String? = nil, aggregate: AggregateDefinition? = nil) {
        self.bootstrap = bootstrap.map { b in
            let sorted = b.aggregateSD.sorted()
            let median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
            return Bootstrap(n: b.requested, failed: b.failed, lowestAggregateR: b.lowestAggregateR,
                             medianAggregateSDModel: median)
        }
        self.bootstrapNote = bootstrapNote
        source = seedNoise == nil ? .modelPosterior : .seedReplicates
        seedCovariance = seedNoise?.covariance
        seedCovarianceDF = seedNoise?.degreesOfFreedom
        seedReplicates = seedNoise?.replicates
        aggregateSeedSD = seedNoise.map { $0.aggregateVariance(of: aggregate ?? .mean(factors: $0.factorCount)).squareRoot() }
        seedGroups = seedNoise?.groups
        bartlett = seedNoise?.groupTest
        minDetectableDifference = noise.minimumDetectableDifference
        let sd = ((try? Statistics.variance(noise.aggregates, ddof: 1)) ?? 0).squareRoot()
        minDetectableShare = sd > 0 ? minDetectableDifference / sd : .nan
        tieGroup = comparison.tieGroup.map { runNames[$0] }
        pBetter = PBetter(runs: comparison.runs.map { runNames[$0] }, p: comparison.pBetter)
        draws = comparison.draws
    }
}
