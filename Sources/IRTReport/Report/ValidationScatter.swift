import IRTModel

/// Views 4–5: each factor score θ_j against each held-out metric, one panel
/// per factor, titled by the factor's label (cut to the panel, in full on hover)
/// with r on the line below, baselines as stars.
enum ValidationScatter {
    /// One plotted run.
    struct Point {
        let run: String
        let theta: [Double]
        let value: Double
        let isBaseline: Bool
    }

    /// The held-out metrics that have values to plot.
    static func metrics(_ r: AnalysisResult) -> [String] { r.leaderboardHeldOut }

    static func title(_ r: AnalysisResult) -> String {
        let m = metrics(r)
        if m.isEmpty { return "Validation: no held-out metric in the sweep" }
        let best = m.compactMap { metric -> (String, Int, Double)? in
            guard let rs = r.validation[metric] else { return nil }
            let pairs = rs.enumerated().compactMap { j, v in v.map { (j, $0) } }
            guard let top = pairs.max(by: { abs($0.1) < abs($1.1) }) else { return nil }
            return (metric, top.0, top.1)
        }
        let strongest = best.max { abs($0.2) < abs($1.2) }
        var s = "Validation: \(r.k) \(r.k == 1 ? "factor" : "factors") against \(m.count) held-out "
            + (m.count == 1 ? "metric" : "metrics")
        if let (metric, j, rv) = strongest {
            s += " (strongest: θ\(j + 1) with \(metric), r = \(NumberFormat.fixed(rv, decimals: 2)))"
        }
        return s
    }

    static let caption = """
        Held-out metrics were never shown to the model, so a clear relation between a factor score and a \
        held-out metric is evidence the score measures something real. Each panel plots one factor score θ \
        (higher = better) against the metric over the sweep runs; r is Pearson's correlation and the dashed line \
        the least-squares fit. For a loss, lower is better, so a useful factor shows a negative r. Baselines are \
        stars. Hover over a point for the run.
        """

    /// Font sizes of the panel titles and axis titles (the stylesheet's `panel-title`, `axis-title`).
    static let titleSize = 13.0, axisTitleSize = 13.0
    /// Bold text (the panel titles) is about this much wider than regular text (DejaVu Sans Bold: 13%).
    static let boldWidening = 1.15

    static func points(_ r: AnalysisResult, metric m: Int) -> [Point] {
        r.leaderboard.compactMap { e in
            guard m < e.heldOut.count, let v = e.heldOut[m], v.isFinite else { return nil }
            return Point(run: e.runName, theta: e.theta, value: v, isBaseline: e.isBaseline)
        }
    }

    /// One `<svg>` holding a panel per factor for held-out metric `m` (index into ``metrics(_:)``).
    static func svg(_ r: AnalysisResult, metric m: Int) -> String {
        let metric = metrics(r)[m]
        let pts = points(r, metric: m)
        let k = Swift.max(r.k, 1)
        let perRow = Swift.min(k, 4)
        let rows = (k + perRow - 1) / perRow
        let width = 1100.0, legendHeight = 34.0
        let panelWidth = width / Double(perRow), panelHeight = 300.0
        let height = legendHeight + Double(rows) * panelHeight
        var c = SVGCanvas(width: width, height: height)

        let values = pts.map(\.value)
        let yLo = values.min() ?? 0, yHi = values.max() ?? 1

        var lx = 70.0
        lx = c.legendItem("sweep run", x: lx, y: 16) { c, x, y in
            c.circle(x + 10, y, r: 3.5, fill: Palette.accent, opacity: 0.55)
        }
        lx = c.legendItem("baseline", x: lx, y: 16) { c, x, y in
            c.star(x + 10, y, r: 7, fill: Palette.baseline)
        }
        c.legendItem("least-squares line", x: lx, y: 16) { c, x, y in
            c.line(x, y, x + 20, y, stroke: Palette.ink, width: 1.2, dash: "5 4")
        }

        // The factors' labels, cut to the panel's width together (so they stay distinct).
        let titleRoom = panelWidth - 16 - TextMetrics.width("θ\(k) ()", size: titleSize) * ShortNames.sansMargin * boldWidening
        let labels = ShortNames.labels((0..<k).map { FactorName.label(r, $0) }, width: titleRoom / boldWidening,
                                       size: titleSize)
        for j in 0..<k {
            let px = Double(j % perRow) * panelWidth, py = legendHeight + Double(j / perRow) * panelHeight
            let left = px + 66, right = px + panelWidth - 14, top = py + 50, bottom = py + panelHeight - 52
            let thetas = pts.compactMap { j < $0.theta.count ? $0.theta[j] : nil }
            let x = LinearScale(domain: thetas.min() ?? -1, thetas.max() ?? 1, range: left, right, tickCount: 5)
            let y = LinearScale(domain: yLo, yHi, range: bottom, top, tickCount: 5)

            // Title on one line, r on the next, both centred over the panel; the full name on hover.
            let rv = r.validation[metric].flatMap { j < $0.count ? $0[j] : nil }
            let rText = rv.map { "r = " + NumberFormat.fixed($0, decimals: 2) } ?? "r undefined"
            let centre = px + panelWidth / 2
            c.text("θ\(j + 1) (\(labels[j]))", centre, py + 18, anchor: .middle, weight: "600",
                   fill: Palette.factor(j), className: "panel-title", title: FactorName.titled(r, j, maxCharacters: 400))
            c.text(rText, centre, py + 36, anchor: .middle, fill: Palette.factor(j), className: "panel-title",
                   title: "Pearson's r of θ\(j + 1) with \(metric) over \(thetas.count) runs")
            let xTicks = x.ticks(count: 5)
            c.xAxis(ticks: xTicks.map { (x($0), NumberFormat.significant($0)) }, y: bottom, x0: left, x1: right,
                    title: "θ\(j + 1) score", gridTop: top)
            let yTitle = j % perRow == 0
                ? ShortNames.label(metric, width: bottom - top, size: axisTitleSize) : nil
            c.yAxis(ticks: y.ticks(count: 5).map { (y($0), NumberFormat.significant($0)) }, x: left, y0: top,
                    y1: bottom, title: yTitle, gridRight: right, titleOffset: 50)

            // Least-squares line of the metric on θ_j.
            let xy = pts.compactMap { p in j < p.theta.count ? (p.theta[j], p.value) : nil }
            if xy.count >= 2 {
                let mx = xy.map(\.0).reduce(0, +) / Double(xy.count), my = xy.map(\.1).reduce(0, +) / Double(xy.count)
                let sxx = xy.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
                let sxy = xy.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
                if sxx > 0 {
                    let b = sxy / sxx
                    let x0 = x.domain.lower, x1 = x.domain.upper
                    // Clip the line to the panel's y range.
                    var ends: [(Double, Double)] = []
                    for xv in stride(from: x0, through: x1, by: (x1 - x0) / 200) {
                        let yv = my + b * (xv - mx)
                        if yv >= y.domain.lower && yv <= y.domain.upper { ends.append((x(xv), y(yv))) }
                    }
                    if let first = ends.first, let last = ends.last, ends.count >= 2 {
                        c.line(first.0, first.1, last.0, last.1, stroke: Palette.ink, width: 1.2, dash: "5 4",
                               title: "least-squares fit, slope \(NumberFormat.significant(b))")
                    }
                }
            }
            for p in pts where !p.isBaseline && j < p.theta.count {
                c.circle(x(p.theta[j]), y(p.value), r: 3.2, fill: Palette.accent, opacity: 0.55,
                         title: "\(p.run): θ\(j + 1) = \(NumberFormat.significant(p.theta[j])), "
                            + "\(metric) = \(NumberFormat.significant(p.value, digits: 4))")
            }
            for p in pts where p.isBaseline && j < p.theta.count {
                c.star(x(p.theta[j]), y(p.value), r: 7, fill: Palette.baseline,
                       title: "\(p.run) (baseline): θ\(j + 1) = \(NumberFormat.significant(p.theta[j])), "
                        + "\(metric) = \(NumberFormat.significant(p.value, digits: 4))")
            }
        }
        return c.render(label: "θ against \(metric)")
    }
}
