import IRTMixture
import IRTModel
import IRTReport

extension Summary {
    /// The mixture step's lines: the runs matched and not (with names), the
    /// decisions, the chosen surrogate and its out-of-fold R² per score with
    /// the flags, and the proposals' predicted objective.
    static func mixture(_ m: MixtureReport, factorLabels: [String], files: String?) -> [String] {
        let a = m.analysis
        var lines = ["Mixture step (\(a.source); objective \(MixtureReport.described(a.objective, factorLabels: factorLabels))):"]
        lines += m.decisions.map { "  - " + $0 }
        let header = ["score", "surrogate", "oof R²", "Spearman", "RMSE", "permutation R²", "ceiling R²", ""]
        var rows: [[String]] = []
        for score in m.scoreNames {
            guard let s = m.chosen(score) ?? a.surrogates.first(where: { $0.score == score }) else { continue }
            let other = a.surrogates.filter { $0.score == score && $0.family != s.family }
                .map { "\($0.family) \(fixed($0.oofR2))" }.joined(separator: ", ")
            rows.append([MixtureReport.shortName(score), s.family + (other.isEmpty ? "" : " (\(other))"), fixed(s.oofR2),
                         fixed(s.oofSpearman), sig(s.oofRMSE), fixed(s.permutationR2), s.ceilingR2.map(fixed) ?? "n/a",
                         m.isNotPredictable(score) ? "NOT PREDICTABLE from the mixture — do not optimize it" : ""])
        }
        var widths = header.map(\.count)
        for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { j, c in j <= 1 || j == row.count - 1 ? pad(c, widths[j]) : padLeft(c, widths[j]) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        lines.append("  Predictability (5-fold out-of-fold, nested; the better surrogate used, the other in brackets):")
        lines.append("    " + format(header))
        lines += rows.map { "    " + format($0) }
        if a.proposals.isEmpty {
            lines.append("  Proposals: none (--proposals 0, or none met the guardrails)")
        } else {
            let reference = a.proposals[0].referenceRun
            lines.append("  Proposals (maximize \(MixtureReport.shortName(a.objective)); no predictable factor predicted below \(reference); total-variation distance to the nearest observed mixture ≤ \(sig(m.options.maxTV)); seed \(m.options.seed)):")
            if let floors = a.referencePredicted {
                let values = m.scoreNames.compactMap { score in floors[score].map { "\(MixtureReport.shortName(score)) \(fixed($0))" } }
                lines.append("    \(reference) as the surrogates predict it (the floors): " + values.joined(separator: ", "))
            }
            for (i, p) in a.proposals.enumerated() {
                let objective = p.predicted[a.objective].map { "\(fixed($0.estimate)) [\(fixed($0.lower)), \(fixed($0.upper))]" } ?? "n/a"
                let rank = p.rankAmongObserved.map { ", rank \($0) of \(a.matchedRuns + 1) among the observed runs" } ?? ""
                lines.append("    proposal_\(i + 1): predicted \(MixtureReport.shortName(a.objective)) \(objective)\(rank); TV \(fixed(p.tvToNearest)) to \(p.nearestRun)")
            }
        }
        if let files { lines.append("  Files: \(files)") }
        return lines
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
