import Linalg

/// Runs ranked by their aggregate score `a = mean_j θ_j`, highest first (ties keep file order).
public struct Leaderboard: Sendable, Equatable {
    /// One ranked run.
    public struct Entry: Sendable, Equatable, Codable {
        public let runName: String
        /// `mean_j θ_j`.
        public let aggregate: Double
        /// θ_1…θ_k.
        public let theta: [Double]
        /// Whether the run is a baseline (its name contains "baseline").
        public let isBaseline: Bool
        /// Held-out metric values (nil = missing), in ``Leaderboard/heldOutMetrics`` order.
        public let heldOut: [Double?]
        /// Extra provenance columns (e.g. `is_qsplit240_core`), in ``Leaderboard/extraColumns`` order.
        public let extra: [String]

        enum CodingKeys: String, CodingKey {
            case runName = "run_name", aggregate, theta, isBaseline = "is_baseline", heldOut = "held_out", extra
        }
    }

    /// Held-out metric names of ``Entry/heldOut``.
    public let heldOutMetrics: [String]
    /// Provenance columns of ``Entry/extra`` that exist in the sweep.
    public let extraColumns: [String]
    /// Entries, best aggregate first.
    public let entries: [Entry]

    /// Ranks the runs.
    public init(sweep: EvalMatrix, runNames: [String], scores: Matrix, heldOutMetrics: [String], extraColumns: [String]) {
        let k = scores.columns
        let present = extraColumns.filter(sweep.hasColumn)
        let extras = present.map { sweep.strings($0) ?? [] }
        let metrics = heldOutMetrics.map { (try? sweep.numbers($0)) ?? [] }
        var entries: [Entry] = []
        for i in 0..<scores.rows {
            let theta = scores.row(i)
            entries.append(Entry(
                runName: runNames[i], aggregate: k > 0 ? theta.reduce(0, +) / Double(k) : 0, theta: theta,
                isBaseline: EvalMatrix.isBaseline(run: runNames[i]),
                heldOut: metrics.map { i < $0.count ? $0[i] : nil },
                extra: extras.map { i < $0.count ? $0[i] : "" }))
        }
        let order = entries.indices.sorted { a, b in
            entries[a].aggregate > entries[b].aggregate || (entries[a].aggregate == entries[b].aggregate && a < b)
        }
        self.entries = order.map { entries[$0] }
        self.heldOutMetrics = heldOutMetrics
        self.extraColumns = present
    }
}
