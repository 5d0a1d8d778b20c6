import Foundation
import Linalg

/// Runs far outside the others on some task, by a robust z-score that the
/// outliers themselves cannot inflate:
///
/// ```
/// z_rt = (x_rt − median_t) / (1.4826 · MAD_t),    MAD_t = median_r |x_rt − median_t|
/// ```
///
/// over each task's observed values (1.4826 · MAD is the sd of normal data;
/// where more than half the values tie, MAD is 0 and the mean absolute
/// deviation from the median, × 1.2533, takes its place). A run with
/// `|z_rt| >` ``threshold`` on any task is named in a warning (`outlying_runs`)
/// with the task: one diverged run 10⁶ sd away makes every task a Heywood
/// case and ties every other run, and the plain z-score cannot show it (the
/// run inflates the sd it is measured by). The runs are kept — the analysis
/// says, the user decides.
public enum OutlyingRuns {
    /// Robust |z| above which a run is named.
    public static let threshold = 10.0

    /// One outlying cell: the run, the task, its robust z.
    public struct Cell: Sendable, Equatable {
        public let run: String
        public let task: String
        public let z: Double
    }

    /// Every run's most outlying task beyond ``threshold``, in run order.
    ///
    /// - Complexity: O(n p log n).
    public static func find(_ prepared: PreparedSweep) -> [Cell] {
        let x = prepared.raw, n = x.rows, p = x.columns
        var worst = [Cell?](repeating: nil, count: n)
        for t in 0..<p {
            let rows = (0..<n).filter { prepared.observed[$0, t] && x[$0, t].isFinite }
            guard rows.count >= 3 else { continue }
            let values = rows.map { x[$0, t] }
            let median = Self.median(values.sorted())
            let deviations = values.map { Swift.abs($0 - median) }
            var scale = 1.4826 * Self.median(deviations.sorted())
            if !(scale > 0) { scale = 1.2533 * deviations.reduce(0, +) / Double(deviations.count) }
            guard scale > 0, scale.isFinite else { continue }
            for (r, v) in zip(rows, values) {
                let z = (v - median) / scale
                if Swift.abs(z) > threshold, Swift.abs(z) > Swift.abs(worst[r]?.z ?? 0) {
                    worst[r] = Cell(run: prepared.runNames[r], task: prepared.tasks[t], z: z)
                }
            }
        }
        return worst.compactMap { $0 }
    }

    /// The warning naming the outlying runs, or `nil` when there are none.
    public static func warning(_ prepared: PreparedSweep) -> AnalysisWarning? {
        let cells = find(prepared)
        guard !cells.isEmpty else { return nil }
        let named = cells.map { "\($0.run) (\($0.task), robust z = \(String(format: "%.3g", $0.z)))" }
        return AnalysisWarning(
            .outlyingRuns,
            "\(cells.count) run(s) lie far outside the others (robust z = (x − median) / (1.4826 · MAD) beyond ±\(Int(threshold)) on a task): \(AnalysisWarning.list(named, limit: 8)); such a run dominates its tasks' sd and the fit — check it for a diverged run or a unit error, and remove its row if it is one",
            subjects: cells.map(\.run))
    }

    /// The median of sorted values (the mean of the middle two for an even count).
    static func median(_ sorted: [Double]) -> Double {
        let m = sorted.count
        return m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2])
    }
}
