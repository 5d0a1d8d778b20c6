import Foundation
import IRTModel

/// The result's tables as CSV text for spreadsheets and scripts.
///
/// - A field holding a comma, a double quote, CR or LF is quoted, with inner
///   quotes doubled (RFC 4180); every other field is written as is.
/// - A missing value (`nil`) is an empty cell.
/// - Numbers keep full precision (Swift's shortest round-trip form, so
///   `Double(text)` gives the same value back).
/// - Records end with LF; the first record is the header.
///
/// Each table reads back with `CSVReader/parse(_:source:)`.
public enum CSVExport {
    /// One row per task: `task, lambda_1 [label]…lambda_k [label], psi, communality, noise_share, h2_ceiling`
    /// (tasks in file order; each factor column carries its label, ``FactorName``).
    public static func loadings(_ result: AnalysisResult) -> String {
        let r = result
        var rows = [["task"] + (0..<r.k).map { FactorName.csvColumn(r, $0, prefix: "lambda") } + ["psi", "communality", "noise_share", "h2_ceiling"]]
        for (t, task) in r.tasks.enumerated() {
            var row = [task]
            row += (0..<r.k).map { j in number(t < r.loadings.count && j < r.loadings[t].count ? r.loadings[t][j] : nil) }
            row.append(number(element(r.psi, t)))
            row.append(number(element(r.communality, t)))
            row.append(number(element(r.noiseShare, t) ?? nil))
            row.append(number(element(r.h2Ceiling, t) ?? nil))
            rows.append(row)
        }
        return table(rows)
    }

    /// The leaderboard, best first: `rank, rank_low, rank_high, p_best, run_name, <extra columns>,
    /// <held-out metrics>, aggregate, aggregate_sd, coverage, theta_1 [label]…theta_k [label],
    /// theta_sd_1…theta_sd_k, is_baseline` (rank interval and p_best conditional on the fitted loadings).
    public static func leaderboard(_ result: AnalysisResult) -> String {
        let r = result
        var rows = [["rank", "rank_low", "rank_high", "p_best", "run_name"] + r.leaderboardExtra + r.leaderboardHeldOut
            + ["aggregate", "aggregate_sd", "coverage"] + (0..<r.k).map { FactorName.csvColumn(r, $0) }
            + (0..<r.k).map { "theta_sd_\($0 + 1)" } + ["is_baseline"]]
        for e in r.leaderboard {
            var row = ["\(e.rank)", element(e.rankInterval, 0).map { "\($0)" } ?? "",
                       element(e.rankInterval, 1).map { "\($0)" } ?? "", number(e.pBest), e.runName]
            row += r.leaderboardExtra.indices.map { element(e.extra, $0) ?? "" }
            row += r.leaderboardHeldOut.indices.map { number(element(e.heldOut, $0) ?? nil) }
            row += [number(e.aggregate), number(e.aggregateSD), number(e.coverage)]
            row += (0..<r.k).map { number(element(e.theta, $0)) }
            row += (0..<r.k).map { number(element(e.thetaSD, $0)) }
            row.append(e.isBaseline ? "true" : "false")
            rows.append(row)
        }
        return table(rows)
    }

    /// Horn's parallel analysis: `rank, eigenvalue, p95, mean` (rank from 1).
    public static func horn(_ result: AnalysisResult) -> String {
        let h = result.horn
        var rows = [["rank", "eigenvalue", "p95", "mean"]]
        for i in h.eigenvalues.indices {
            rows.append(["\(i + 1)", number(h.eigenvalues[i]), number(element(h.p95, i)), number(element(h.mean, i))])
        }
        return table(rows)
    }

    /// Signal-to-noise: `score, var_sweep, var_noise, snr, noise_share, snr_95_low, snr_95_high, noise_runs`,
    /// one row per factor (`factor_1`, …) and one for `aggregate`; only the header without a noise file.
    public static func snr(_ result: AnalysisResult) -> String {
        var rows = [["score", "var_sweep", "var_noise", "snr", "noise_share", "snr_95_low", "snr_95_high", "noise_runs"]]
        if let s = result.snr {
            for x in s.factors + [s.aggregate] {
                rows.append([x.factor.map { FactorName.csvColumn(result, $0 - 1, prefix: "factor") } ?? "aggregate", number(x.varSweep), number(x.varNoise),
                             number(x.snr), number(x.noiseShare), number(x.interval?.lowerBound),
                             number(x.interval?.upperBound), "\(s.noiseRuns)"])
            }
        }
        return table(rows)
    }

    /// The noise floor per task: `task, noise_share, h2_ceiling, communality, above_ceiling`
    /// (empty noise_share, h2_ceiling and above_ceiling for a task with no anchor).
    public static func noiseFloor(_ result: AnalysisResult) -> String {
        let r = result
        var rows = [["task", "noise_share", "h2_ceiling", "communality", "above_ceiling"]]
        for (t, task) in r.tasks.enumerated() {
            let ceiling = element(r.h2Ceiling, t) ?? nil
            let h2 = element(r.communality, t)
            let above: String = if let ceiling, let h2 { h2 > ceiling ? "true" : "false" } else { "" }
            rows.append([task, number(element(r.noiseShare, t) ?? nil), number(ceiling), number(h2), above])
        }
        return table(rows)
    }

    // MARK: - Writing

    /// `field`, quoted when it holds a comma, a double quote, CR or LF (inner quotes doubled).
    static func field(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Full-precision text of `x`; empty for `nil`.
    static func number(_ x: Double?) -> String {
        guard let x else { return "" }
        return "\(x)"
    }

    static func table(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    private static func element<T>(_ a: [T], _ i: Int) -> T? { i >= 0 && i < a.count ? a[i] : nil }
}

extension CSVExport {
    /// Scored runs (`irt-report score --csv`): `run_name, aggregate, aggregate_sd, rank, rank_low, rank_high,
    /// coverage, theta_1 [label]…, theta_sd_1…`, in file order.
    public static func scores(_ report: ScoreReport) -> String {
        let k = report.factorLabels.count
        var rows = [["run_name", "aggregate", "aggregate_sd", "rank", "rank_low", "rank_high", "coverage"]
            + (0..<k).map { "theta_\($0 + 1) [\(report.factorLabels[$0])]" } + (0..<k).map { "theta_sd_\($0 + 1)" }]
        for i in report.runNames.indices {
            var row = [report.runNames[i], number(report.aggregate[i]), number(report.aggregateSD[i]), "\(report.rank[i])",
                       "\(report.rankInterval[i][0])", "\(report.rankInterval[i][1])", number(report.coverage[i])]
            row += report.theta[i].map { number($0) } + report.thetaSD[i].map { number($0) }
            rows.append(row)
        }
        return table(rows)
    }
}

extension CSVExport {
    /// Residual correlations `R − Σ̂` of every task pair (lower triangle, i > j):
    /// `task_a, task_b, residual`, largest |residual| first; only the header when
    /// there are no fit statistics.
    public static func residuals(_ result: AnalysisResult) -> String {
        var rows = [["task_a", "task_b", "residual"]]
        if let s = result.fit.statistics {
            var pairs: [(Int, Int, Double)] = []
            for j in 0..<s.tasks { for i in (j + 1)..<Swift.max(s.tasks, j + 1) { pairs.append((i, j, s.residuals[i, j])) } }
            pairs.sort { Swift.abs($0.2) > Swift.abs($1.2) || (Swift.abs($0.2) == Swift.abs($1.2) && ($0.1, $0.0) < ($1.1, $1.0)) }
            for (i, j, v) in pairs { rows.append([result.tasks[j], result.tasks[i], number(v)]) }
        }
        return table(rows)
    }
}

