import Linalg

/// Pearson correlations of each factor score with held-out metrics (METHOD.md §8):
/// metrics the model never saw, so agreement is evidence the scores measure something.
///
/// ```
/// r_mj = corr(metric_m, θ_j)   over the sweep runs
/// ```
public struct Validation: Sendable, Equatable {
    /// Held-out metrics present in the sweep, in the order asked.
    public let metrics: [String]
    /// `correlations[m][j]`: r of metric m with θ_j; `nil` when undefined
    /// (a constant column, or missing values leaving fewer than 3 runs).
    public let correlations: [[Double?]]
    /// The metric values per run (nil = missing), for plots.
    public let values: [[Double?]]

    /// Correlates each present metric with each column of `scores`.
    ///
    /// Runs with a missing metric value are left out of that metric's r.
    /// - Throws: ``AnalysisError/nonNumericCell(file:line:column:value:)`` for a non-numeric metric cell.
    public init(sweep: EvalMatrix, metrics wanted: [String], scores: Matrix) throws(AnalysisError) {
        var metrics: [String] = [], correlations: [[Double?]] = [], values: [[Double?]] = []
        for metric in wanted where sweep.hasColumn(metric) {
            let column = try sweep.numbers(metric)
            let rows = column.indices.filter { column[$0] != nil }
            let x = rows.map { column[$0]! }
            let r = (0..<scores.columns).map { j -> Double? in
                let theta = scores.column(j)
                guard rows.count >= 3, let r = try? Statistics.pearson(x, rows.map { theta[$0] }), r.isFinite else {
                    return nil
                }
                return r
            }
            metrics.append(metric)
            correlations.append(r)
            values.append(column)
        }
        self.metrics = metrics
        self.correlations = correlations
        self.values = values
    }
}
