import IRTMixture
import IRTModel

/// The mixture step's output as the report shows it: the study and the
/// mixture file it was run on (for the reference run's weights and the
/// columns of `proposals.csv`).
public struct MixtureReport: Sendable, Equatable {
    /// What ``MixtureStudy/run(table:runNames:scores:options:)`` returned.
    public let analysis: MixtureAnalysis
    /// The mixture file, validated.
    public let table: MixtureTable
    /// The options the study ran with (seed, folds, trust region, resamples).
    public let options: MixtureOptions

    public init(analysis: MixtureAnalysis, table: MixtureTable, options: MixtureOptions) {
        self.analysis = analysis
        self.table = table
        self.options = options
    }

    /// The surrogate used for `score` (the chosen family), if any.
    public func chosen(_ score: String) -> MixtureAnalysis.Surrogate? {
        analysis.surrogates.first { $0.score == score && $0.chosen }
    }

    /// The scores of the study, in the order their surrogates were reported.
    public var scoreNames: [String] {
        var seen = Set<String>()
        return analysis.surrogates.map(\.score).filter { seen.insert($0).inserted }
    }

    /// Whether `score` is flagged "not predictable from the mixture — do not optimize it".
    public func isNotPredictable(_ score: String) -> Bool { analysis.notPredictable.contains(score) }

    /// The reference run's weight of every kept column, `nil` when the run is not in the table.
    public func referenceWeights(_ run: String) -> [String: Double]? {
        guard let i = table.runNames.firstIndex(of: run) else { return nil }
        var weights: [String: Double] = [:]
        for (c, column) in table.columns.enumerated() { weights[column] = table.weights[i, c] }
        return weights
    }

    /// A short name of a score for tables and the terminal: `aggregate`, `θJ`, `balanced`.
    public static func shortName(_ score: String) -> String {
        score.hasPrefix("theta_") ? "θ" + score.dropFirst("theta_".count) : score
    }

    /// The score's name with its meaning, e.g. `θ2 (mmlu, arc, hellaswag)`, from the analysis' factor labels.
    public static func described(_ score: String, factorLabels: [String]) -> String {
        if score.hasPrefix("theta_"), let j = Int(score.dropFirst("theta_".count)), j >= 1, j <= factorLabels.count {
            return "θ\(j) (\(factorLabels[j - 1]))"
        }
        return score == "balanced" ? "balanced aggregate" : score
    }

    /// The decisions the mixture step took for the user, one sentence each: the
    /// runs matched, that no score has a ceiling when no seed noise was measured,
    /// and the study's own notes — the runs without a mixture and the rows
    /// without a run (with their names), the dropped constant columns, the
    /// scores flagged not predictable, the reference run, the proposals' limits
    /// (what the summary, the report's first card and `result.json` say).
    public var decisions: [String] {
        let a = analysis
        var lines = ["\(a.matchedRuns) runs matched to a mixture in \(a.source) (\(a.phases.count) \(a.phases.count == 1 ? "phase" : "phases"), \(table.columns.count) weight columns)"]
        if !a.surrogates.isEmpty, a.surrogates.allSatisfy({ $0.ceilingR2 == nil }) {
            lines.append("no score has a ceiling R²: no seed noise was measured (at least 3 replicate runs of one mixture that differ only in seed give it)")
        }
        return lines + a.notes
    }
}
