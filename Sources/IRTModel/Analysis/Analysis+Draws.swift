import Foundation

/// The fewest Monte Carlo draws whose quantiles mean what their names say,
/// and the warning when fewer were asked for.
extension Analysis {
    /// The fewest null draws behind Horn's p95: with fewer than 20 the 95th
    /// percentile of the draws is (an interpolation towards) their largest,
    /// so k95 rests on one or two draws.
    public static let minimumNullDraws = 20

    /// The fewest rank draws behind a 95% interval: its ends are the 2.5th and
    /// 97.5th percentiles of the draws, which need 1 / 0.025 = 40 draws to lie
    /// between two draws and about 100 for the ends to move by less than a rank
    /// between seeds; p_best and p_better are resolved to 1 / N.
    public static let minimumRankDraws = 100

    /// `few_draws` when `nullDraws` (Horn's) or `rankDraws` (rank intervals,
    /// p_best, p_better) is below its minimum; `nil` arguments are not checked.
    ///
    /// ```
    /// resolution of a share from N draws = 1 / N
    /// ```
    public static func drawWarnings(nullDraws: Int?, rankDraws: Int?) -> [AnalysisWarning] {
        var out: [AnalysisWarning] = []
        if let n = nullDraws, n < minimumNullDraws {
            out.append(AnalysisWarning(
                .fewDraws,
                "Horn's null p95 rests on \(n) draw(s): a 95th percentile needs at least \(minimumNullDraws) draws (with fewer it is the largest draw or an interpolation towards it), so k95 is decided by Monte Carlo noise",
                remedies: [.moreNullDraws(500)]))
        }
        if let n = rankDraws, n < minimumRankDraws {
            out.append(AnalysisWarning(
                .fewDraws,
                "the 95% rank intervals rest on \(n) draw(s): their ends are the 2.5th and 97.5th percentiles, which need at least \(minimumRankDraws) draws to mean a 95% interval, and shares such as p_best are resolved only to 1/\(n) = \(String(format: "%.3g", 1 / Double(n)))",
                remedies: [.moreRankDraws(2000)]))
        }
        return out
    }
}
