import Foundation
import IRTModel

/// What `irt-report score --json` writes: new runs scored by a saved model and
/// ranked among its sweep (METHOD.md §10, "score output"). Arrays over runs
/// follow ``runNames`` (file order, skipped runs left out).
public struct ScoreReport: Sendable, Codable, Equatable {
    /// The schema of this file; bumped on every change.
    public static let currentSchemaVersion = 3

    public let schemaVersion: Int
    /// The model file and the scored file, as given.
    public let model: String
    public let source: String
    public let factorLabels: [String]
    public let runNames: [String]
    /// Posterior means θ̂ (runs × k) and their sds; the aggregate and its sd.
    /// With the model's seed noise the sds say how far a run's scores would move
    /// if it were retrained with another seed; else they are the posterior's.
    public let theta: [[Double]]
    public let thetaSD: [[Double]]
    public let aggregate: [Double]
    public let aggregateSD: [Double]
    /// What the sds and rank intervals include (``ScoreUncertainty/Source``).
    public let uncertaintySource: ScoreUncertainty.Source
    /// Share of the model's tasks observed, per run.
    public let coverage: [Double]
    /// Rank each run would take among the model's sweep (1 = best), and its 95% interval.
    public let rank: [Int]
    public let rankInterval: [[Int]]
    /// Joint draws and seed behind the intervals.
    public let rankDraws: Int
    public let seed: UInt64
    /// Rows not scored, and why.
    public let skippedRuns: [SkippedRun]
    public let warnings: [AnalysisWarning]
    /// The model's aggregate definition (METHOD.md §8a); absent in older files.
    public var aggregateDefinition: AggregateDefinition? = nil

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", model, source, factorLabels = "factor_labels", runNames = "run_names"
        case theta, thetaSD = "theta_sd", aggregate, aggregateSD = "aggregate_sd", coverage, rank
        case rankInterval = "rank_interval", rankDraws = "rank_draws", seed, skippedRuns = "skipped_runs", warnings
        case uncertaintySource = "uncertainty_source", aggregateDefinition = "aggregate_definition"
    }

    /// Assembles the report of `scores` ranked by `ranks` under `fitted`.
    public init(model: String, source: String, fitted: FittedModel, scores: RunScores, ranks: RankAmongSweep,
                rankDraws: Int, seed: UInt64, skippedRuns: [SkippedRun], warnings: [AnalysisWarning]) {
        schemaVersion = Self.currentSchemaVersion
        self.model = model
        self.source = source
        factorLabels = fitted.factorLabels
        runNames = scores.runNames
        theta = scores.theta.rowArrays
        thetaSD = fitted.thetaSDs(of: scores)
        aggregate = scores.aggregate
        aggregateSD = fitted.noise(of: scores).sds
        uncertaintySource = fitted.uncertaintySource
        coverage = scores.coverage
        rank = ranks.rank
        rankInterval = ranks.interval
        self.rankDraws = rankDraws
        self.seed = seed
        self.skippedRuns = skippedRuns
        self.warnings = warnings
        aggregateDefinition = fitted.aggregateDefinition
    }
}
