import IRTModel

/// "Is run A really better than run B?" for the top runs: `P(A > B)` as a
/// heatmap (``ScoreUncertainty/PBetter``, ``UncertaintyWording``).
///
/// ```
/// cell (a, b) = p_better(a, b) = P(x_a > x_b)      share of the joint draws in which a's aggregate is above b's
/// colour      = Palette.diverging(2 (p − 0.5))      white at 0.5, red: the row is better, blue: the column
/// decided     = p > 0.975 or p < 0.025              told apart at 95% (two-sided): bold and outlined
/// ```
///
/// Rows and columns are the same runs, best point estimate first; the
/// diagonal is blank. A cell and its mirror are printed so that they add up to
/// 1.00 (the lower triangle prints `1 − ` the upper one's rounded value, each
/// within 0.005 of its probability).
enum PBetterHeatmap {
    /// Longest run label shown before it is shortened with "…" in the middle.
    static let maxLabelCharacters = 28
    /// Label and value sizes (px).
    static let labelSize = 11.0
    static let valueSize = 11.0
    /// Cell size (px).
    static let cellWidth = 40.0
    static let cellHeight = 24.0

    /// The comparison to draw: `nil` without one (a correlation input, a result without `uncertainty`) or with
    /// fewer than two runs.
    static func comparison(_ r: AnalysisResult) -> ScoreUncertainty.PBetter? {
        guard r.input != .correlation, let pb = r.uncertainty?.pBetter, pb.runs.count >= 2,
              pb.p.count == pb.runs.count, pb.p.allSatisfy({ $0.count == pb.runs.count }) else { return nil }
        return pb
    }

    static func title(_ r: AnalysisResult) -> String {
        let n = r.uncertainty?.pBetter.runs.count ?? 0
        return "Is A really better than B? P(A > B) for the top \(n) runs"
    }

    static func caption(_ r: AnalysisResult) -> String {
        let draws = r.uncertainty?.draws ?? r.rankDraws
        let low = NumberFormat.fixed(1 - PairwiseComparison.decisive, decimals: 3)
        let high = NumberFormat.fixed(PairwiseComparison.decisive, decimals: 3)
        return """
            Each cell is the probability that the row's run has a higher aggregate than the column's: the share of \
            \(draws) joint draws of every run's aggregate in which it was above (P(A > B) + P(B > A) = 1). The draws \
            come from \(UncertaintyWording.source(r)). \(UncertaintyWording.notIncluded(r)) Red: the row's run is likely \
            better; blue: the column's; white: a coin toss. Bold, outlined cells are decided at 95% (above \(high) or \
            below \(low)); every other pair cannot be told apart by this sweep.\(decisionSentence(r)) Hover over a name \
            for its full name, over a cell for its probability to three decimals.
            """
    }

    /// The tie group and the minimum detectable difference, in one sentence each.
    static func decisionSentence(_ r: AnalysisResult) -> String {
        guard let u = r.uncertainty else { return "" }
        return " " + UncertaintyWording.tieGroup(u) + " " + UncertaintyWording.minimumDetectable(u)
    }

    // MARK: - Labels

    /// `name` cut to `maxCharacters` characters with "…" in the middle: the first `head` characters and the
    /// last `maxCharacters − 1 − head`; unchanged when it fits.
    static func middleEllipsis(_ name: String, maxCharacters: Int, head: Int) -> String {
        guard name.count > maxCharacters, maxCharacters >= 2 else { return name }
        let head = Swift.min(Swift.max(0, head), maxCharacters - 1)
        return String(name.prefix(head)) + "…" + String(name.suffix(maxCharacters - 1 - head))
    }

    /// Labels of at most `maxCharacters` characters for `names`, distinct when the names are.
    ///
    /// The cut keeps a third of the start and two thirds of the end (the runs of a sweep usually differ at
    /// the end: an index, a seed); when that makes two labels equal, the split moves until they differ; runs
    /// that differ only in the middle are numbered by their position (`#3`), the full name in the tooltip.
    ///
    /// - Complexity: O(maxCharacters · Σ|name|).
    static func labels(_ names: [String], maxCharacters: Int = maxLabelCharacters) -> [String] {
        let distinct = Set(names).count
        let preferred = (maxCharacters - 1) / 3
        let heads = (0..<Swift.max(1, maxCharacters)).sorted {
            (Swift.abs($0 - preferred), -$0) < (Swift.abs($1 - preferred), -$1)
        }
        for h in heads {
            let labels = names.map { middleEllipsis($0, maxCharacters: maxCharacters, head: h) }
            if Set(labels).count == distinct { return labels }
        }
        return names.enumerated().map { i, name in
            let mark = " #\(i + 1)"
            return middleEllipsis(name, maxCharacters: Swift.max(2, maxCharacters - mark.count), head: preferred) + mark
        }
    }

    // MARK: - Values

    /// The value printed in cell (a, b), in hundredths: `round(100 p[a][b])` on and above the diagonal,
    /// `100 − round(100 p[b][a])` below it, so a cell and its mirror add up to 100.
    static func hundredths(_ p: [[Double]], _ a: Int, _ b: Int) -> Int {
        func cents(_ x: Double) -> Int { x.isFinite ? Int((x * 100).rounded()) : 50 }
        return a <= b ? cents(p[a][b]) : 100 - cents(p[b][a])
    }

    /// Whether `p` is decided at 95% (two-sided): `max(p, 1 − p) > 0.975`, the tie group's rule
    /// (``PairwiseComparison/decisive``) read from either side of the pair.
    static func decided(_ p: Double) -> Bool {
        Swift.max(p, 1 - p) > PairwiseComparison.decisive
    }

    // MARK: - Drawing

    /// The heatmap, or `nil` when there is no comparison to draw (``comparison(_:)``).
    static func svg(_ r: AnalysisResult) -> String? {
        guard let pb = comparison(r) else { return nil }
        let names = pb.runs, p = pb.p, n = names.count
        let labels = labels(names)
        // Run names are set in the monospace face (class "task").
        let labelWidth = Swift.max(110, labels.map { TextMetrics.monoWidth($0, size: labelSize) }.max() ?? 0)
        let left = 12 + labelWidth + 10
        let legendY = 14.0
        let columnLabelsTop = 64.0
        let top = columnLabelsTop + labelWidth + 8
        let gridWidth = cellWidth * Double(n)
        let width = Swift.max(760, left + gridWidth + 24)
        let height = top + Double(n) * cellHeight + 16
        var c = SVGCanvas(width: width, height: height)

        // Legend: the diverging scale from 0 to 1 and what a decided cell looks like.
        let legendWidth = 200.0
        c.linearGradient(id: "pbetter-gradient", stops: (0...8).map { i in
            (Double(i) / 8, Palette.diverging(2 * (Double(i) / 8) - 1))
        })
        c.rect(left, legendY, legendWidth, 12, fill: "url(#pbetter-gradient)", stroke: "#999", strokeWidth: 0.5)
        for t in [0, 0.25, 0.5, 0.75, 1.0] {
            let x = left + t * legendWidth
            c.line(x, legendY + 12, x, legendY + 16, stroke: "#555")
            c.text(NumberFormat.significant(t), x, legendY + 28, anchor: .middle, size: 11, className: "tick")
        }
        var lx = left + legendWidth + 16
        c.text("P(row's aggregate > column's)", lx, legendY + 11, size: 12, className: "legend")
        lx += TextMetrics.width("P(row's aggregate > column's)", size: 12) + 24
        c.rect(lx - 2, legendY - 2, 20, 16, fill: Palette.diverging(1))
        c.rect(lx, legendY, 16, 12, fill: "none", stroke: Palette.ink, strokeWidth: 1.5)
        c.text("decided at 95%", lx + 22, legendY + 11, size: 12, weight: "700", className: "legend")

        // The corner names the direction of a cell.
        c.text("row vs column", left - 10, top - 8, anchor: .end, size: 11, fill: Palette.muted, className: "legend")

        // Column labels, vertical, reading upwards from the grid.
        for (b, label) in labels.enumerated() {
            let cx = left + (Double(b) + 0.5) * cellWidth
            c.text(label, cx + 0.35 * labelSize, top - 8, size: labelSize, rotate: -90, className: "task",
                   title: "\(b + 1). \(names[b])")
        }

        for a in 0..<n {
            let y = top + Double(a) * cellHeight
            c.text(labels[a], left - 10, y + cellHeight / 2 + 0.35 * labelSize, anchor: .end, size: labelSize,
                   className: "task", title: "\(a + 1). \(names[a])")
            for b in 0..<n {
                let x = left + Double(b) * cellWidth
                guard a != b else {
                    c.rect(x, y, cellWidth - 1, cellHeight - 1, fill: "#f3f3f3", title: "\(names[a]) against itself")
                    continue
                }
                let v = p[a][b]
                let t = 2 * (v - 0.5)
                let isDecided = decided(v)
                var tip = "P(\(names[a]) > \(names[b])) = \(NumberFormat.fixed(v, decimals: 3))"
                tip += isDecided ? " — decided at 95%" : " — not told apart at 95%"
                c.beginGroup(title: tip)
                c.rect(x, y, cellWidth - 1, cellHeight - 1, fill: Palette.diverging(t))
                if isDecided {
                    // Inset, so that a run of decided cells does not seem to outline an undecided neighbour.
                    c.rect(x + 2, y + 2, cellWidth - 5, cellHeight - 5, fill: "none", stroke: Palette.ink, strokeWidth: 1.5)
                }
                let cents = hundredths(p, a, b)
                c.text(NumberFormat.fixed(Double(cents) / 100, decimals: 2), x + cellWidth / 2,
                       y + cellHeight / 2 + 0.35 * valueSize, anchor: .middle, size: valueSize,
                       weight: isDecided ? "700" : nil, fill: Swift.abs(t) > 0.7 ? "#fff" : Palette.ink, className: "cell")
                c.endGroup()
            }
        }
        return c.render(label: title(r))
    }
}
