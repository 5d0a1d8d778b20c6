import IRTModel

/// What the report's `± sd`, rank intervals and `p_best` include, in words
/// (``ScoreUncertainty/Source``): seed noise measured on replicate runs, or the
/// model's posterior — one wording for every view that shows them.
public enum UncertaintyWording {
    /// "seed noise measured on N replicate runs (ν df)" or "the model's posterior …".
    static func source(_ r: AnalysisResult) -> String {
        guard let u = r.uncertainty, u.source == .seedReplicates, let m = u.seedReplicates,
              let df = u.seedCovarianceDF else {
            return "the factor model's posterior given the fitted loadings (model-based: not checked against seed noise, which it underestimates)"
        }
        let refits = u.bootstrap.map { " plus \($0.n - $0.failed) refits of the model on resampled runs" } ?? ""
        return "seed noise measured on \(m) replicate runs (\(df) degrees of freedom, its uncertainty included)\(refits)"
    }

    /// The sentence every view with intervals ends with: whether the fitted
    /// model's own uncertainty (``ScoreUncertainty/bootstrap``) is included.
    static func notIncluded(_ r: AnalysisResult) -> String {
        guard r.uncertainty?.bootstrap == nil else {
            return "Rank intervals and probabilities include the fitted model's own uncertainty (bootstrap refits)."
        }
        return "The uncertainty of the fitted loadings themselves is not included."
    }

    /// "Differences below d (s% of the sd of the sweep's aggregates) between two complete runs are not told
    /// apart at 95%." (``ScoreUncertainty/minDetectableDifference``, ``ScoreUncertainty/minDetectableShare``).
    static func minimumDetectable(_ u: ScoreUncertainty) -> String {
        let share = u.minDetectableShare.isFinite
            ? " (\(NumberFormat.percent(u.minDetectableShare, digits: 2)) of the sd of the sweep's aggregates)" : ""
        let why = u.source == .seedReplicates ? "seed noise" : "within the posterior's noise"
        return "Differences below \(NumberFormat.significant(u.minDetectableDifference, digits: 3))\(share) between "
            + "two complete runs are \(why): not told apart at 95%."
    }

    /// The tie group (``ScoreUncertainty/tieGroup``, the best run first) in one sentence: "The best run, A,
    /// is told apart from every other run at 95%." or "N runs cannot be told apart from the best, A, at 95%: B, C…".
    public static func tieGroup(_ u: ScoreUncertainty) -> String {
        guard let best = u.tieGroup.first else { return "There is no best run to compare with." }
        let others = Array(u.tieGroup.dropFirst())
        guard !others.isEmpty else { return "The best run, \(best), is told apart from every other run at 95%." }
        let runs = others.count == 1 ? "1 run cannot" : "\(others.count) runs cannot"
        return "\(runs) be told apart from the best, \(best), at 95%: \(AnalysisWarning.list(others, limit: 8))."
    }

    /// The report's first card, in one line: where the uncertainty comes from (``source(_:)``) and the
    /// minimum detectable difference; says so when there is none (a correlation input) or the result does not
    /// hold it.
    static func headline(_ r: AnalysisResult) -> String {
        guard r.input != .correlation else {
            return "none: a correlation matrix has no runs, so no scores, ranks or comparisons."
        }
        guard let u = r.uncertainty else {
            return "not recorded in this result."
        }
        let sd = u.source == .seedReplicates
            ? u.aggregateSeedSD.map { "; a complete run's aggregate sd \(NumberFormat.significant($0, digits: 3))" } ?? "" : ""
        return "± sd, rank intervals, p_best and P(A > B) come from \(source(r))\(sd). " + minimumDetectable(u)
    }

    /// The `± sd` column's tip.
    static func sdTip(_ r: AnalysisResult) -> String {
        r.uncertainty?.source == .seedReplicates
            ? "sd of the aggregate if the run were retrained with another seed"
            : "posterior sd of the aggregate (model-based)"
    }
}
