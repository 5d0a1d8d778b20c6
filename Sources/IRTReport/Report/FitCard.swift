import IRTModel

/// The "Model fit" card: how well the model fits (psych's conventions), whether
/// k is enough (k − 1, k, k + 1), the EM's starts, and what non-negativity costs.
enum FitCard {
    static let title = "Model fit: is the model any good, and is k enough?"

    static let caption = """
        χ² is Bartlett's corrected likelihood-ratio statistic against the saturated model (factanal's STATISTIC), \
        with its degrees of freedom and p-value; TLI and CFI compare with the independence model (near 1 is good, \
        above 0.95 conventionally fine); RMSEA (below 0.05 good, above 0.1 poor) with its 90% interval; RMSR and \
        SRMR are the root mean square residual correlations without and with the diagonal (below 0.05 good). \
        BIC = χ² − df ln n (lower is better across k). With estimates on a bound (loadings at 0, ψ at its floor) \
        the χ² reference distribution is only approximate.
        """

    private static func cell(_ x: Double?, _ digits: Int = 3) -> String {
        guard let x else { return "<td class=\"num missing\">—</td>" }
        return "<td class=\"num\">\(HTMLEscaping.escape(NumberFormat.significant(x, digits: digits)))</td>"
    }

    /// One table row of statistics for a model with `k` factors.
    private static func row(_ k: Int, _ s: FitStatistics?, current: Bool, note: String?) -> String {
        var out = current ? "<tr class=\"current\">" : "<tr>"
        out += "<td>k = \(k)\(current ? " (fitted)" : "")</td>"
        guard let s else {
            return out + "<td colspan=\"9\" class=\"note\">\(HTMLEscaping.escape(note ?? "not available"))</td></tr>"
        }
        out += cell(s.chiSquareBartlett, 5) + "<td class=\"num\">\(s.degreesOfFreedom)</td>" + cell(s.pValue, 2)
        out += cell(s.tli) + cell(s.cfi)
        if let r = s.rmsea {
            out += "<td class=\"num\">\(HTMLEscaping.escape(NumberFormat.significant(r.estimate))) "
                + "[\(HTMLEscaping.escape(NumberFormat.significant(r.lower))), \(HTMLEscaping.escape(NumberFormat.significant(r.upper)))]</td>"
        } else {
            out += "<td class=\"num missing\">—</td>"
        }
        out += cell(s.rmsr) + cell(s.srmr) + cell(s.bic, 5)
        return out + "</tr>"
    }

    static func html(_ r: AnalysisResult) -> String {
        let fit = r.fit
        var out = ""
        if let why = fit.unavailable {
            out += "<p class=\"note\">No fit statistics: \(HTMLEscaping.escape(why)).</p>\n"
        }
        var rows: [(Int, String)] = fit.neighbours.map { n in
            (n.k, row(n.k, n.statistics, current: false,
                      note: n.unavailable ?? (n.converged ? nil : "the k = \(n.k) fit did not converge")))
        }
        rows.append((r.k, row(r.k, fit.statistics, current: true, note: fit.unavailable)))
        out += "<div class=\"table-wrap\"><table class=\"fit\">\n<thead><tr><th>model</th><th>χ² (Bartlett)</th><th>df</th>"
            + "<th>p</th><th>TLI</th><th>CFI</th><th>RMSEA [90%]</th><th>RMSR</th><th>SRMR</th><th>BIC</th></tr></thead>\n<tbody>\n"
            + rows.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: "\n") + "\n</tbody></table></div>\n"
        if let s = fit.statistics {
            out += "<p class=\"note\">log-likelihood \(HTMLEscaping.escape(NumberFormat.significant(s.logLikelihood, digits: 8))) "
                + "(saturated \(HTMLEscaping.escape(NumberFormat.significant(s.saturatedLogLikelihood, digits: 8)))); "
                + "AIC \(HTMLEscaping.escape(NumberFormat.significant(s.informationCriteria.aic, digits: 6))), "
                + "BIC \(HTMLEscaping.escape(NumberFormat.significant(s.informationCriteria.bic, digits: 6))) "
                + "with q = \(s.informationCriteria.q) free parameters (anchored ψ are not parameters).</p>\n"
        }
        out += "<p class=\"note\">\(HTMLEscaping.escape(startsSentence(fit.starts)))</p>\n"
        if let cost = fit.nonNegativityCost, !cost.isMeasured {
            out += "<p class=\"note\"><strong>The cost of non-negativity:</strong> "
                + HTMLEscaping.escape("not measured: the free-loading fit ended at log-likelihood "
                    + "\(NumberFormat.significant(cost.freeLogLikelihood, digits: 8)), below the non-negative fit's "
                    + "\(NumberFormat.significant(cost.nonnegativeLogLikelihood, digits: 8)). Every non-negative Λ is a free one "
                    + "too, so the free fit \(cost.freeConverged ? "stopped at a worse local optimum" : "stopped unconverged at its cap").")
                + "</p>\n"
        } else if let cost = fit.nonNegativityCost {
            let bent = cost.bentTasks.map { "\($0.task) (\(NumberFormat.significant($0.distance, digits: 2)))" }
            out += "<p class=\"note\"><strong>The cost of non-negativity:</strong> "
                + HTMLEscaping.escape("free loadings reach log-likelihood \(NumberFormat.significant(cost.freeLogLikelihood, digits: 8)), "
                    + "\(NumberFormat.significant(cost.difference, digits: 3)) above the non-negative fit (likelihood ratio "
                    + "\(NumberFormat.significant(cost.likelihoodRatio, digits: 3))). Λ ≥ 0 sits on the boundary of the "
                    + "parameter space, so this ratio has no χ²(df) reference and no p-value is given. "
                    + (bent.isEmpty ? "" : "Tasks the constraint bends most: \(bent.joined(separator: ", ")).")
                    + (cost.freeConverged ? "" : " (The free fit did not converge within its cap: the difference is a lower bound.)"))
                + "</p>\n"
        }
        return out
    }

    /// "8 extra seeded starts found no better optimum" and the like.
    static func startsSentence(_ s: FitAssessment.Starts) -> String {
        var text = s.requested > 1
            ? "\(s.reachedBest) of \(s.requested) starts reached the best log-likelihood; start \(s.best) is reported."
            : "The EM ran from one start."
        if s.checkStarts > 0 {
            if let gain = s.checkGain, let best = s.checkBestLogLikelihood, gain > 1e-7 * Swift.abs(best) {
                text += " A check of \(s.checkStarts) extra seeded starts found a better optimum (log-likelihood "
                    + "\(NumberFormat.significant(best, digits: 8)), higher by \(NumberFormat.significant(gain, digits: 3)))"
                    + (s.adoptedCheckStart.map { "; check start \($0)'s fit is the one reported (more starts, --starts 16, may reach higher still)." }
                        ?? ": rerun with --starts 16.")
            } else if let unconverged = s.checkUnconverged, unconverged > 0 {
                text += " A check of \(s.checkStarts) extra seeded starts found no better optimum, but \(unconverged) of them "
                    + "stopped unconverged at their cap or failed: inconclusive (rerun with --starts 9)."
            } else {
                text += " A check of \(s.checkStarts) extra seeded starts found no better optimum."
            }
        }
        return text
    }
}
