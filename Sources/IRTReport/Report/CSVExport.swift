import Foundation
import IRTModel

/// The result's tables as CSV text for spreadsheets and scripts.
///
/// - A field holding a comma, a double quote, CR or LF is quoted, with inner
///   quotes doubled (RFC 4180); every other field is written as is.
/// - Text from the data (task, run and column names, the leaderboard's extra
///   cells) that a spreadsheet would take for a formula — it starts with `=`,
///   `+`, `-`, `@`, a tab or CR — gets a leading `'` and is quoted (OWASP's
///   guard against CSV injection): `=HYPERLINK(…)` is written `"'=HYPERLINK(…)"`.
///   A text cell that is a plain decimal number (`-0.5`, `+1e-3`) is left as
///   it is, and numbers the analysis computed are never prefixed.
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
        var rows = [["task"] + (0..<r.k).map { text(FactorName.csvColumn(r, $0, prefix: "lambda")) } + ["psi", "communality", "noise_share", "h2_ceiling"]]
        for (t, task) in r.tasks.enumerated() {
            var row = [text(task)]
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
    /// theta_sd_1…theta_sd_k, is_baseline`.
    ///
    /// `aggregate_sd`, `theta_sd_*`, the rank interval and `p_best` are what `result.json`'s
    /// `uncertainty.source` says (METHOD.md §7a): with replicate runs, seed noise measured on them in score
    /// space (how far the run's score would move if it were retrained with another seed, plus the posterior's
    /// extra variance where it misses tasks), the rank interval and `p_best` drawing the seed variance from its
    /// estimate's law; without, the factor model's posterior given the fitted loadings (model-based). Neither
    /// includes the fitted loadings' own uncertainty.
    public static func leaderboard(_ result: AnalysisResult) -> String {
        let r = result
        var rows = [["rank", "rank_low", "rank_high", "p_best", "run_name"] + r.leaderboardExtra.map(text)
            + r.leaderboardHeldOut.map(text) + ["aggregate", "aggregate_sd", "coverage"]
            + (0..<r.k).map { text(FactorName.csvColumn(r, $0)) } + (0..<r.k).map { "theta_sd_\($0 + 1)" } + ["is_baseline"]]
        for e in r.leaderboard {
            var row = ["\(e.rank)", element(e.rankInterval, 0).map { "\($0)" } ?? "",
                       element(e.rankInterval, 1).map { "\($0)" } ?? "", number(e.pBest), text(e.runName)]
            row += r.leaderboardExtra.indices.map { text(element(e.extra, $0) ?? "") }
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
                rows.append([x.factor.map { text(FactorName.csvColumn(result, $0 - 1, prefix: "factor")) } ?? "aggregate", number(x.varSweep), number(x.varNoise),
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
            rows.append([text(task), number(element(r.noiseShare, t) ?? nil), number(ceiling), number(h2), above])
        }
        return table(rows)
    }

    // MARK: - Writing

    /// A text cell from the data, made safe to open in a spreadsheet.
    ///
    /// When `s` starts with `=`, `+`, `-`, `@`, a tab or CR and is not a plain
    /// decimal number, it gets a leading `'` (``field(_:)`` then quotes it), so
    /// Excel, LibreOffice and Google Sheets show it as text instead of
    /// evaluating it. Everything else is returned unchanged.
    static func text(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, formulaTriggers.contains(first) else { return s }
        if case .number = EvalMatrix.cell(s), s.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace }) { return s }
        return "'" + s
    }

    /// The first characters that make a spreadsheet read a cell as a formula (OWASP).
    static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `field`, quoted when it holds a comma, a double quote, CR or LF, or starts
    /// with the `'` of ``text(_:)``; inner quotes doubled.
    ///
    /// Works on Unicode scalars: a quote followed by a combining mark (`"` U+032A)
    /// is one `Character`, which `replacingOccurrences(of: "\"", …)` would skip,
    /// leaving an undoubled quote that ends the field early.
    static func field(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard scalars.first == "'" || scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        else { return s }
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in scalars {
            if scalar == "\"" { out.append("\"") }
            out.append(scalar)
        }
        out.append("\"")
        return String(out)
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
            + (0..<k).map { text("theta_\($0 + 1) [\(report.factorLabels[$0])]") } + (0..<k).map { "theta_sd_\($0 + 1)" }]
        for i in report.runNames.indices {
            var row = [text(report.runNames[i]), number(report.aggregate[i]), number(report.aggregateSD[i]), "\(report.rank[i])",
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
            for (i, j, v) in pairs { rows.append([text(result.tasks[j]), text(result.tasks[i]), number(v)]) }
        }
        return table(rows)
    }
}

