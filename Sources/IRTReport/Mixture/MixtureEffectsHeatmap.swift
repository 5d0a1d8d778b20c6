import Foundation
import IRTMixture
import IRTModel

/// The mixture's effects as a heatmap: one row per weight column (domain),
/// one column per score; the colour is the linear surrogate's coefficient.
///
/// Rows are grouped by phase and, within a phase, sorted by the effect on the
/// objective (largest first), so the domains that move it most are on top.
/// A cell whose bootstrap 95% interval excludes 0 is drawn at full colour with
/// a dark outline and its number in bold; the others are faded.
enum MixtureEffectsHeatmap {
    /// The scores shown, in the study's order (those with at least one effect).
    static func scores(_ m: MixtureReport) -> [String] {
        var seen = Set<String>()
        return m.analysis.effects.map(\.score).filter { seen.insert($0).inserted }
    }

    /// The rows: phases in order, each with its columns sorted by the effect on
    /// `objective` (descending; ties and columns without one in file order).
    static func order(_ m: MixtureReport) -> [(phase: String, columns: [String])] {
        var effect: [String: Double] = [:]
        for e in m.analysis.effects where e.score == m.analysis.objective { effect[e.column] = e.estimate }
        let kept = Set(m.table.columns)
        return m.table.phases.compactMap { phase in
            let columns = phase.columns.filter(kept.contains).enumerated().sorted { a, b in
                let x = effect[a.element] ?? -.infinity, y = effect[b.element] ?? -.infinity
                return x > y || (x == y && a.offset < b.offset)
            }.map(\.element)
            return columns.isEmpty ? nil : (phase.name, columns)
        }
    }

    /// Whether an interval lies entirely on one side of 0.
    static func excludesZero(_ e: MixtureAnalysis.Effect) -> Bool { e.lower > 0 || e.upper < 0 }

    static func title(_ m: MixtureReport) -> String {
        let significant = m.analysis.effects.filter(excludesZero).count
        return "Which domains move which score: \(m.table.columns.count) weight columns × \(scores(m).count) scores (\(significant) effects whose 95% interval excludes 0)"
    }

    static let caption = """
        Each row is a weight column of the mixture file (a domain in a phase), each column a score; the colour and \
        number are the linear surrogate's coefficient (ridge on the weights: how much the score moves, in its own \
        units, per unit of weight, other weights as they are), red up and blue down on one scale for all cells. \
        Cells outlined and in bold have a bootstrap 95% interval (runs resampled) that excludes 0; the faded ones \
        could be 0. Rows are grouped by phase and sorted by the effect on the objective. Hover over a cell for its \
        interval. Weights of one phase sum to 1, so an effect is relative to the phase's other domains.
        """

    /// Longest row label shown before it is cut with "…".
    static let maxLabelCharacters = 48

    static func svg(_ m: MixtureReport, factorLabels: [String]) -> String {
        let scores = scores(m)
        let groups = order(m)
        var effects: [String: MixtureAnalysis.Effect] = [:]
        for e in m.analysis.effects { effects[e.score + "\u{0}" + e.column] = e }
        let rows = groups.reduce(0) { $0 + $1.columns.count }
        let rowHeight = 17.0, labelSize = 11.0, groupGap = 8.0
        let longest = m.table.columns.map { Swift.min($0.count, maxLabelCharacters) }.max() ?? 10
        let labelWidth = Swift.max(120, Double(longest) * 0.6 * labelSize + 24)
        let cellWidth = Swift.max(64, Swift.min(110, 620 / Double(Swift.max(scores.count, 1))))
        let left = labelWidth + 12, top = 96.0
        let width = Swift.max(760, left + cellWidth * Double(scores.count) + 20)
        let height = top + Double(rows) * rowHeight + Double(Swift.max(0, groups.count - 1)) * groupGap + 24
        var c = SVGCanvas(width: width, height: height)

        let largest = m.analysis.effects.map { Swift.abs($0.estimate) }.filter(\.isFinite).max() ?? 0
        let scale = largest > 0 ? largest : 1

        let legendX = left, legendY = 14.0, legendWidth = 240.0
        c.text("effect", legendX - 8, legendY + 11, anchor: .end, className: "legend")
        c.linearGradient(id: "effect-gradient", stops: (0...8).map { i in
            (Double(i) / 8, Palette.diverging(Double(i) / 4 - 1))
        })
        c.rect(legendX, legendY, legendWidth, 12, fill: "url(#effect-gradient)", stroke: "#999", strokeWidth: 0.5)
        for (u, value) in [(0.0, -scale), (0.5, 0.0), (1.0, scale)] {
            let x = legendX + u * legendWidth
            c.line(x, legendY + 12, x, legendY + 16, stroke: "#555")
            c.text(NumberFormat.significant(value), x, legendY + 28, anchor: .middle, className: "tick")
        }

        for (j, score) in scores.enumerated() {
            let cx = left + (Double(j) + 0.5) * cellWidth
            let flagged = m.isNotPredictable(score)
            c.text(MixtureReport.shortName(score) + (flagged ? " ⚠" : ""), cx, top - 12, anchor: .middle, weight: "600",
                   fill: flagged ? Palette.overflow : (score == m.analysis.objective ? Palette.accent : Palette.ink),
                   className: "legend",
                   title: MixtureReport.described(score, factorLabels: factorLabels)
                       + (score == m.analysis.objective ? " — the objective" : "")
                       + (flagged ? " — not predictable from the mixture: do not optimize it" : ""))
        }

        var y = top
        for (g, group) in groups.enumerated() {
            if g > 0 {
                y += groupGap
                c.line(12, y - groupGap / 2, left + cellWidth * Double(scores.count), y - groupGap / 2,
                       stroke: "#bbb", dash: "3 3")
            }
            let groupTop = y
            for column in group.columns {
                c.text(TextMetrics.truncate(column, maxCharacters: maxLabelCharacters), left - 10, y + rowHeight - 5,
                       anchor: .end, size: labelSize, className: "task", title: column)
                for (j, score) in scores.enumerated() {
                    let x = left + Double(j) * cellWidth
                    guard let e = effects[score + "\u{0}" + column] else {
                        c.rect(x, y, cellWidth - 1, rowHeight - 1, fill: "#f3f3f3", title: "\(column) → \(score): not estimated")
                        continue
                    }
                    let u = e.estimate / scale
                    let strong = excludesZero(e)
                    let tip = "\(column) → \(MixtureReport.shortName(score)): \(NumberFormat.significant(e.estimate)) "
                        + "[\(NumberFormat.significant(e.lower)), \(NumberFormat.significant(e.upper))]"
                        + (strong ? " (95% interval excludes 0)" : " (95% interval includes 0)")
                    c.rect(x, y, cellWidth - 1, rowHeight - 1, fill: Palette.diverging(u),
                           stroke: strong ? Palette.ink : nil, strokeWidth: strong ? 1.2 : nil,
                           opacity: strong ? nil : 0.35, className: strong ? "effect strong" : "effect", title: tip)
                    c.text(NumberFormat.significant(e.estimate, digits: 2), x + cellWidth / 2, y + rowHeight - 5,
                           anchor: .middle, size: 10, weight: strong ? "700" : nil,
                           fill: strong ? (Swift.abs(u) > 0.6 ? "#fff" : Palette.ink) : "#999", className: "cell")
                }
                y += rowHeight
            }
            c.rect(left - 6, groupTop, 4, y - groupTop - 1, fill: Palette.factor(g),
                   title: "phase \(group.phase): \(group.columns.count) weight columns")
        }
        return c.render(label: title(m))
    }
}
