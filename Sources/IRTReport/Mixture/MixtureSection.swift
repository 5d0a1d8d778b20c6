import Foundation
import IRTMixture
import IRTModel

/// The report's section "Mixture": how predictable each score is from the
/// mixture weights, which domains move which score (``MixtureEffectsHeatmap``)
/// and the proposed next mixtures, with the decisions the step took.
enum MixtureSection {
    static func title(_ m: MixtureReport) -> String {
        let proposals = m.analysis.proposals.count
        return "Mixture: \(m.analysis.matchedRuns) runs, \(m.table.columns.count) weight columns, \(proposals) proposed \(proposals == 1 ? "mixture" : "mixtures")"
    }

    static let caption = """
        Can the mixture explain the scores, which domains move which score, and what to train next. Each score is \
        predicted from the mixture weights by two surrogates — ridge regression and a Gaussian process — validated by \
        5-fold cross-validation with the hyperparameters chosen inside each training fold, so the out-of-fold numbers \
        are honest; the better one is used. The ceiling is the most R² the seed noise allows (1 − the score's noise \
        share); the permutation baseline is the same cross-validation with the weights shuffled across runs. A score \
        whose out-of-fold R² is below 0.3 or not above the permutation baseline is flagged: it is not predictable \
        from the mixture, so do not optimize it.
        """

    /// The section's body: decisions, predictability table, heatmap, proposals.
    static func html(_ m: MixtureReport, factorLabels: [String]) -> String {
        var parts: [String] = []
        parts.append("<ul class=\"mixture-notes\">\n" + m.decisions
            .map { "<li>\(HTMLEscaping.escape($0))</li>" }.joined(separator: "\n") + "\n</ul>")
        parts.append("<h3>How predictable each score is from the mixture</h3>")
        parts.append(predictability(m, factorLabels: factorLabels))
        parts.append("<h3>\(HTMLEscaping.escape(MixtureEffectsHeatmap.title(m)))</h3>")
        parts.append("<p class=\"caption\">\(HTMLEscaping.escape(MixtureEffectsHeatmap.caption))</p>")
        if m.analysis.effects.isEmpty {
            parts.append("<p class=\"note\">No effects were estimated.</p>")
        } else {
            parts.append("<div class=\"figure\">\n\(MixtureEffectsHeatmap.svg(m, factorLabels: factorLabels))\n</div>")
        }
        parts.append("<h3>Proposed next mixtures</h3>")
        parts.append(proposals(m, factorLabels: factorLabels))
        return parts.joined(separator: "\n")
    }

    private static func number(_ x: Double?, decimals: Int = 3) -> String {
        guard let x, x.isFinite else { return "<td class=\"num missing\">–</td>" }
        return "<td class=\"num\">\(NumberFormat.fixed(x, decimals: decimals))</td>"
    }

    /// One row per score: the surrogate used and its out-of-fold numbers, the
    /// permutation baseline, the ceiling, the other family's R² and the verdict.
    static func predictability(_ m: MixtureReport, factorLabels: [String]) -> String {
        var out = "<div class=\"table-wrap\"><table class=\"mixture\">\n<thead><tr>"
        for (label, tip) in [("score", ""), ("surrogate", "the family used: the better out-of-fold R²"),
                             ("out-of-fold R²", "1 − Σ(y − ŷ)² / Σ(y − ȳ)², each run predicted by a fit without its fold"),
                             ("Spearman", "rank correlation of the scores and their out-of-fold predictions"),
                             ("RMSE", "root mean squared out-of-fold error, in the score's units"),
                             ("permutation R²", "the same cross-validation with the weights shuffled across runs"),
                             ("ceiling R²", "1 − the score's seed-noise share: the most R² the seed noise allows"),
                             ("other family R²", "the other surrogate's out-of-fold R²"), ("verdict", "")] {
            out += "<th scope=\"col\"\(tip.isEmpty ? "" : " title=\"\(HTMLEscaping.escape(tip))\"")>\(HTMLEscaping.escape(label))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for score in m.scoreNames {
            let all = m.analysis.surrogates.filter { $0.score == score }
            guard let used = all.first(where: \.chosen) ?? all.first else { continue }
            let others = all.filter { $0.family != used.family }
            let flagged = m.isNotPredictable(score)
            out += flagged ? "<tr class=\"flagged\">" : "<tr>"
            out += "<td>\(HTMLEscaping.escape(MixtureReport.described(score, factorLabels: factorLabels)))"
                + (score == m.analysis.objective ? " <span class=\"tag\">objective</span>" : "") + "</td>"
            out += "<td>\(HTMLEscaping.escape(used.family))"
                + (used.effectiveDF.map { " <span class=\"note\">(df \(NumberFormat.fixed($0, decimals: 1)))</span>" } ?? "") + "</td>"
            out += number(used.oofR2) + number(used.oofSpearman) + number(used.oofRMSE) + number(used.permutationR2)
                + number(used.ceilingR2)
            out += "<td class=\"num\">" + (others.isEmpty ? "–" : others.map {
                "\(HTMLEscaping.escape($0.family)) \(NumberFormat.fixed($0.oofR2, decimals: 3))"
            }.joined(separator: ", ")) + "</td>"
            out += flagged ? "<td class=\"flag\">not predictable from the mixture — do not optimize it</td>"
                : "<td class=\"ok\">predictable</td>"
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>"
    }

    /// The proposals: each one's predicted scores with 95% intervals, its rank,
    /// the trust-region distance and the nearest run; then the weights per phase,
    /// the columns that change most from the reference run first.
    static func proposals(_ m: MixtureReport, factorLabels: [String]) -> String {
        let a = m.analysis
        guard !a.proposals.isEmpty else {
            return "<p class=\"note\">No mixture is proposed (--proposals 0, or none met the guardrails; see the notes above).</p>"
        }
        let reference = a.proposals[0].referenceRun
        var out = "<p class=\"note\">Each proposal maximizes the predicted \(HTMLEscaping.escape(MixtureReport.described(a.objective, factorLabels: factorLabels))) "
            + "over each phase's simplex, as the average of the argmaxes over refits of the surrogate (Thompson-style), "
            + "with no predictable factor predicted below the reference run <code>\(HTMLEscaping.escape(reference))</code> and within a total-variation "
            + "distance of the nearest observed mixture (the trust region). Predictions hold only inside it. "
            + "<code>proposals.csv</code> has the same columns as the mixture file, ready to launch.</p>\n"
        let scores = m.scoreNames
        out += "<div class=\"table-wrap\"><table class=\"mixture\">\n<thead><tr><th scope=\"col\">proposal</th>"
        for score in scores {
            out += "<th scope=\"col\" title=\"\(HTMLEscaping.escape(MixtureReport.described(score, factorLabels: factorLabels))): predicted, 95% interval\">"
                + "\(HTMLEscaping.escape(MixtureReport.shortName(score)))</th>"
        }
        out += "<th scope=\"col\" title=\"rank of the predicted objective among the observed runs (1 = above every run)\">rank</th>"
        out += "<th scope=\"col\" title=\"total-variation distance (per phase, averaged) to the nearest observed mixture\">TV to nearest</th>"
        out += "<th scope=\"col\">nearest run</th></tr></thead>\n<tbody>\n"
        if let floors = a.referencePredicted {
            out += "<tr class=\"reference\"><td title=\"the surrogates' predictions for the reference run: no factor of a proposal may be predicted below them\">"
                + "reference <code>\(HTMLEscaping.escape(a.referenceRun ?? reference))</code></td>"
            for score in scores { out += floors[score].map { "<td class=\"num\">\(NumberFormat.fixed($0, decimals: 3))</td>" } ?? "<td class=\"num missing\">–</td>" }
            out += "<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"run\">–</td></tr>\n"
        }
        for (i, p) in a.proposals.enumerated() {
            out += "<tr><td>proposal_\(i + 1)</td>"
            for score in scores {
                guard let v = p.predicted[score] else { out += "<td class=\"num missing\">–</td>"; continue }
                let strong = score == a.objective ? " class=\"num objective\"" : " class=\"num\""
                out += "<td\(strong)>\(NumberFormat.fixed(v.estimate, decimals: 3)) "
                    + "<span class=\"interval\">[\(NumberFormat.fixed(v.lower, decimals: 3)), \(NumberFormat.fixed(v.upper, decimals: 3))]</span></td>"
            }
            out += "<td class=\"num\">\(p.rankAmongObserved.map { "\($0) of \(a.matchedRuns + 1)" } ?? "–")</td>"
            out += number(p.tvToNearest) + "<td class=\"run\">\(HTMLEscaping.escape(p.nearestRun))</td></tr>\n"
        }
        out += "</tbody></table></div>\n"
        out += weights(m)
        return out
    }

    /// The weight columns sorted by the largest change from the reference run over
    /// the proposals: reference weight, then each proposal's weight and change.
    static func weights(_ m: MixtureReport) -> String {
        let a = m.analysis
        let reference = a.proposals[0].referenceRun
        let base = m.referenceWeights(reference) ?? [:]
        let phaseOf = Dictionary(m.table.phases.flatMap { p in p.columns.map { ($0, p.name) } }, uniquingKeysWith: { a, _ in a })
        func change(_ column: String) -> Double {
            a.proposals.map { Swift.abs(($0.weights[column] ?? 0) - (base[column] ?? 0)) }.max() ?? 0
        }
        let columns = m.table.columns.enumerated().sorted { x, y in
            let cx = change(x.element), cy = change(y.element)
            return cx > cy || (cx == cy && x.offset < y.offset)
        }.map(\.element)
        func percent(_ x: Double) -> String { NumberFormat.fixed(100 * x, decimals: 1) + "%" }
        func points(_ x: Double) -> String { (x >= 0.0005 ? "+" : "") + NumberFormat.fixed(100 * x, decimals: 1) }
        var out = "<details class=\"selection\" open><summary>Weights per phase, largest change from the reference run "
            + "<code>\(HTMLEscaping.escape(reference))</code> first (Δ in percentage points)</summary>\n"
        out += "<div class=\"table-wrap\"><table class=\"mixture\">\n<thead><tr><th scope=\"col\">column</th><th scope=\"col\">phase</th>"
            + "<th scope=\"col\">reference</th>"
        for i in a.proposals.indices { out += "<th scope=\"col\">proposal_\(i + 1)</th><th scope=\"col\">Δ</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for column in columns {
            let r = base[column] ?? .nan
            out += "<tr><td class=\"run\">\(HTMLEscaping.escape(column))</td><td>\(HTMLEscaping.escape(phaseOf[column] ?? ""))</td>"
                + "<td class=\"num\">\(r.isFinite ? percent(r) : "–")</td>"
            for p in a.proposals {
                let w = p.weights[column] ?? .nan
                out += "<td class=\"num\">\(w.isFinite ? percent(w) : "–")</td>"
                out += "<td class=\"num delta\">\(w.isFinite && r.isFinite ? points(w - r) : "–")</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n</details>"
    }

    /// The first card's lines on the mixture step (matched and unmatched runs,
    /// dropped columns, flags, notes).
    static func card(_ m: MixtureReport, factorLabels: [String]) -> String {
        "<div class=\"mixture-card\"><h2>Mixture decisions</h2>\n<ul>\n"
            + m.decisions.map { "<li>\(HTMLEscaping.escape($0))</li>" }.joined(separator: "\n")
            + "\n</ul></div>"
    }

    static let stylesheet = """
        table.mixture { border-collapse: collapse; font-size: 13px; }
        table.mixture th { background: #eef1f5; text-align: left; padding: 5px 8px; border-bottom: 1px solid #cfd5dc;
                           position: sticky; top: 0; font-weight: 600; }
        table.mixture td { padding: 3px 8px; border-bottom: 1px solid #f0f0f0; }
        table.mixture td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;
                               font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        table.mixture td.run { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; }
        table.mixture td.objective { font-weight: 600; }
        table.mixture .interval { color: #666; font-weight: 400; }
        table.mixture tr.flagged { background: #fdecec; }
        table.mixture tr.reference { background: #f6f7f9; color: #444; }
        td.flag { color: #d62728; font-weight: 600; }
        .mixture-card { background: #f2f6fb; border: 1px solid #c9d8ea; border-radius: 6px; padding: 10px 14px; margin-top: 10px; }
        .mixture-card h2 { font-size: 15px; margin: 0 0 4px; }
        .mixture-card ul, ul.mixture-notes { margin: 0; padding-left: 20px; font-size: 14px; }
        .mixture-card li, ul.mixture-notes li { overflow-wrap: anywhere; }
        @media print {
          main table.mixture { font-size: 9px; }
          main table.mixture th { position: static; padding: 3px 2px; }
          main table.mixture td { padding: 2px; }
          main table.mixture td, main table.mixture th, main table.mixture td.num, main table.mixture td.run {
            white-space: normal; overflow-wrap: anywhere; }
        }
        """
}
