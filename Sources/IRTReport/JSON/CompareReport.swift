import Foundation
import IRTModel

/// What `irt-report compare --json` writes: two runs of a saved model's sweep
/// or of a scored file, and whether one is better (``RunComparison``; METHOD.md
/// §7a; the keys are listed in Docs/CLI.md, `irt-report compare`).
public struct CompareReport: Sendable, Codable, Equatable {
    /// The schema of this file; bumped on every change.
    public static let currentSchemaVersion = 1

    public let schemaVersion: Int
    /// The model file and the scored file (if any), as given.
    public let model: String
    public let source: String?
    /// Runs A and B: name, origin (`sweep` | `scored`), aggregate, sd, coverage.
    public let a: RunComparison.Run
    public let b: RunComparison.Run
    /// `â_A − â_B` and the 95% interval of the drawn difference.
    public let difference: Double
    public let differenceInterval: [Double]
    /// `P(A's aggregate > B's)`.
    public let pBetter: Double
    /// The minimum detectable difference between two complete runs, and whether `|difference|` exceeds it.
    public let minDetectableDifference: Double
    public let exceedsMinDetectable: Bool
    /// `a_better`, `b_better` or `undecided` (two-sided 95%).
    public let verdict: RunComparison.Verdict
    /// What the sds, the interval and `p_better` include (``ScoreUncertainty/Source``).
    public let uncertaintySource: ScoreUncertainty.Source
    /// Joint draws and their seed.
    public let rankDraws: Int
    public let seed: UInt64
    /// Rows of the scored file not scored, and why.
    public let skippedRuns: [SkippedRun]
    public let warnings: [AnalysisWarning]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", model, source, a, b, difference, differenceInterval = "difference_interval"
        case pBetter = "p_better", minDetectableDifference = "min_detectable_difference"
        case exceedsMinDetectable = "exceeds_min_detectable", verdict, uncertaintySource = "uncertainty_source"
        case rankDraws = "rank_draws", seed, skippedRuns = "skipped_runs", warnings
    }

    /// Assembles the report of `comparison`; `warnings` are the caller's, said as it shows them.
    public init(model: String, source: String?, comparison c: RunComparison, skippedRuns: [SkippedRun],
                warnings: [AnalysisWarning]) {
        schemaVersion = Self.currentSchemaVersion
        self.model = model
        self.source = source
        a = c.a
        b = c.b
        difference = c.difference
        differenceInterval = c.differenceInterval
        pBetter = c.pBetter
        minDetectableDifference = c.minDetectableDifference
        exceedsMinDetectable = c.exceedsMinDetectable
        verdict = c.verdict
        uncertaintySource = c.source
        rankDraws = c.draws
        seed = c.seed
        self.skippedRuns = skippedRuns
        self.warnings = warnings
    }
}
