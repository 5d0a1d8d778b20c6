import IRTModel

/// View 1: the scree plot of Horn's parallel analysis — the real eigenvalues
/// against the random p95 and mean by rank, with a line at k + ½.
enum ScreePlot {
    /// The section title, from the data: k95, k_mean, p, n and draws.
    static func title(_ r: AnalysisResult) -> String {
        let h = r.horn
        let factors = h.k95 == 1 ? "1 factor" : "\(h.k95) factors"
        return "Scree: \(factors) above the random p95 (k95 = \(h.k95), k_mean = \(h.kMean); "
            + "p = \(r.nTasks) tasks, n = \(r.nRuns) runs, \(h.draws) random draws)"
    }

    static let caption = """
        Each dot is an eigenvalue of the tasks' correlation matrix, largest first. The dashed line is the 95th \
        percentile and the dotted line the mean of the same eigenvalue over random data of the same shape. \
        A factor counts when its real eigenvalue stands above the random p95 (filled dots); the vertical line \
        marks how many factors were fitted. The eigenvalue axis is logarithmic, so the small eigenvalues near \
        the random curves stay readable. Hover over a dot for its values.
        """

    /// A log axis: the eigenvalues of a correlation matrix span decades (the
    /// first is near p when one factor dominates, the last near 0), and the
    /// crossing with the random curves, near 1, must stay readable. The
    /// lower end stops four decades below the largest value, so a
    /// rank-deficient tail (eigenvalues ≈ 1e-15) does not flatten the rest.
    static func yScale(_ h: ParallelAnalysis, range from: Double, _ to: Double) -> LogScale {
        let all = (h.eigenvalues + h.p95 + h.mean).filter { $0.isFinite && $0 > 0 }
        let top = all.max() ?? 1
        let bottom = Swift.max(all.min() ?? top / 10, top * 1e-4)
        return LogScale(domain: bottom, top, range: from, to)
    }

    static func svg(_ r: AnalysisResult) -> String {
        let h = r.horn
        let p = h.eigenvalues.count
        let width = 1100.0, height = 420.0
        let left = 78.0, right = width - 24, top = 52.0, bottom = height - 58
        var c = SVGCanvas(width: width, height: height)
        let x = LinearScale(domain: 0.5, Double(Swift.max(p, 1)) + 0.5, range: left, right, nice: false)
        let y = yScale(h, range: bottom, top)

        let xTicks = x.ticks(count: Swift.min(p, 12)).filter { $0 >= 1 && $0 == $0.rounded() }
        c.xAxis(ticks: xTicks.map { (x($0), NumberFormat.significant($0)) }, y: bottom, x0: left, x1: right,
                title: "rank of the eigenvalue", gridTop: top)
        let yTicks = y.ticks()
        for t in y.minorTicks() { c.line(left, y(t), right, y(t), stroke: "#f0f0f0") }
        c.yAxis(ticks: zip(yTicks, LogScale.labels(yTicks)).map { (y($0), $1) }, x: left, y0: top, y1: bottom,
                title: "eigenvalue (log scale)", gridRight: right, titleOffset: 52)

        // The number of factors fitted, between rank k and k + 1.
        let kx = x(Double(r.k) + 0.5)
        c.line(kx, top, kx, bottom, stroke: Palette.overflow, width: 1.5, dash: "2 3",
               title: "k = \(r.k) factors fitted")
        c.text("k = \(r.k)", kx + 6, top + 14, fill: Palette.overflow, className: "legend")

        let ranks = Array(1...Swift.max(p, 1)).prefix(p)
        c.polyline(ranks.map { (x(Double($0)), y(h.mean[$0 - 1])) }, stroke: Palette.muted, width: 1.5, dash: "1.5 3",
                   title: "random mean")
        c.polyline(ranks.map { (x(Double($0)), y(h.p95[$0 - 1])) }, stroke: Palette.muted, width: 1.5, dash: "7 4",
                   title: "random p95")
        c.polyline(ranks.map { (x(Double($0)), y(h.eigenvalues[$0 - 1])) }, stroke: Palette.accent, width: 2,
                   title: "real eigenvalues")
        for rank in ranks {
            let i = rank - 1
            let above = h.eigenvalues[i] > h.p95[i]
            c.circle(x(Double(rank)), y(h.eigenvalues[i]), r: 4, fill: above ? Palette.accent : "#fff",
                     stroke: Palette.accent,
                     title: "rank \(rank): eigenvalue \(NumberFormat.significant(h.eigenvalues[i])), "
                        + "random p95 \(NumberFormat.significant(h.p95[i])), mean \(NumberFormat.significant(h.mean[i]))"
                        + (above ? " (above p95)" : ""))
        }

        // Legend along the top.
        var lx = left
        let ly = 22.0
        lx = c.legendItem("real eigenvalue (filled: above p95)", x: lx, y: ly) { c, x, y in
            c.line(x, y, x + 20, y, stroke: Palette.accent, width: 2)
            c.circle(x + 10, y, r: 4, fill: Palette.accent, stroke: Palette.accent)
        }
        lx = c.legendItem("random p95", x: lx, y: ly) { c, x, y in
            c.line(x, y, x + 20, y, stroke: Palette.muted, width: 1.5, dash: "7 4")
        }
        lx = c.legendItem("random mean", x: lx, y: ly) { c, x, y in
            c.line(x, y, x + 20, y, stroke: Palette.muted, width: 1.5, dash: "1.5 3")
        }
        c.legendItem("k + ½ (factors fitted)", x: lx, y: ly) { c, x, y in
            c.line(x + 10, y - 7, x + 10, y + 7, stroke: Palette.overflow, width: 1.5, dash: "2 3")
        }
        return c.render(label: title(r))
    }
}
