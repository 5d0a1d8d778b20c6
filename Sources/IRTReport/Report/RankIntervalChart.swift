import IRTModel

/// The top runs with the 95% interval of their rank (``UncertaintyWording``).
enum RankIntervalChart {
    /// Runs shown.
    static let count = 20

    static func title(_ r: AnalysisResult) -> String {
        let shown = Swift.min(count, r.leaderboard.count)
        return "How certain is the ranking? The top \(shown) runs with the 95% interval of their rank"
    }

    static func caption(_ r: AnalysisResult) -> String {
        """
        Each dot is a run's rank by its aggregate score; the bar is the 95% interval of that rank over \
        \(r.rankDraws) joint draws of every run's aggregate from \(UncertaintyWording.source(r)), and p(best) the \
        share of draws in which it ranked first. Runs whose bars overlap cannot be told apart by this sweep. \
        \(UncertaintyWording.notIncluded(r))\(tieSentence(r))
        """
    }

    /// The tie group and the minimum detectable difference, when known.
    static func tieSentence(_ r: AnalysisResult) -> String {
        guard let u = r.uncertainty else { return "" }
        return " " + UncertaintyWording.minimumDetectable(u) + " " + UncertaintyWording.tieGroup(u)
    }

    static func svg(_ r: AnalysisResult) -> String {
        let rows = Array(r.leaderboard.prefix(count))
        let rowHeight = 24.0, labelWidth = 300.0, valueWidth = 170.0
        let width = 1100.0, left = labelWidth, right = width - valueWidth, top = 40.0
        let bottom = top + Double(Swift.max(rows.count, 1)) * rowHeight + 8
        var c = SVGCanvas(width: width, height: bottom + 50)
        let highest = Double(rows.map { $0.rankInterval.last ?? $0.rank }.max() ?? 1)
        let x = LinearScale(domain: 1, Swift.max(highest, 2), range: left, right, tickCount: 8)
        c.xAxis(ticks: x.ticks(count: 8).filter { $0 >= 1 }.map { (x($0), NumberFormat.significant($0)) },
                y: bottom, x0: left, x1: right, title: "rank (1 = best)", gridTop: top)
        var lx = left
        lx = c.legendItem("rank of the point estimate", x: lx, y: 18) { c, x, y in c.circle(x + 10, y, r: 5, fill: Palette.accent) }
        c.legendItem("95% interval of the rank", x: lx, y: 18) { c, x, y in
            c.line(x, y, x + 20, y, stroke: Palette.accent, width: 3)
        }
        let labels = ShortNames.labels(rows.map(\.runName), width: labelWidth - 16, size: 12)
        for (i, e) in rows.enumerated() {
            let mid = top + (Double(i) + 0.5) * rowHeight
            let lo = Double(e.rankInterval.first ?? e.rank), hi = Double(e.rankInterval.last ?? e.rank)
            let tip = "\(e.runName): rank \(e.rank), 95% interval \(Int(lo))–\(Int(hi)), "
                + "p(best) = \(NumberFormat.fixed(e.pBest, decimals: 3)), aggregate = "
                + "\(NumberFormat.significant(e.aggregate)) ± \(NumberFormat.significant(e.aggregateSD))"
            c.text(labels[i], left - 10, mid + 4, anchor: .end,
                   fill: e.isBaseline ? Palette.baseline : nil, className: "legend", title: tip)
            c.beginGroup(title: tip)
            c.line(x(lo), mid, x(hi), mid, stroke: Palette.accent, width: 3)
            c.circle(x(Double(e.rank)), mid, r: 5, fill: e.isBaseline ? Palette.baseline : Palette.accent)
            c.endGroup()
            c.text("\(Int(lo))–\(Int(hi)) · p(best) \(NumberFormat.fixed(e.pBest, decimals: 2))", right + 12, mid + 4,
                   className: "legend")
        }
        return c.render(label: title(r))
    }
}
