import IRTModel

/// The residual correlations `R − Σ̂`: a heatmap in the loadings' task order
/// (p ≤ 60) and the task pairs with the largest |residual|.
enum ResidualsView {
    /// Above this many tasks only the list is shown.
    static let heatmapLimit = 60

    static let title = "Residual correlations: what the factors leave unexplained"

    static let caption = """
        Each cell is a pair of tasks' observed correlation minus the one the fitted model implies (R − Σ̂); red: \
        the tasks agree more than the model says, blue: less. A block of same-coloured cells points at a shared \
        capability the model misses (another factor), a lone large cell at two tasks that share something only \
        between them. Tasks are in the loadings' order. residuals.csv has every pair.
        """

    static func html(_ r: AnalysisResult) -> String {
        guard let s = r.fit.statistics else {
            return "<p class=\"note\">No residuals: \(HTMLEscaping.escape(r.fit.unavailable ?? "no fit statistics")).</p>"
        }
        var out = ""
        if r.nTasks <= heatmapLimit { out += "<div class=\"figure\">\n" + svg(r, s) + "\n</div>\n" }
        else {
            out += "<p class=\"note\">\(r.nTasks) tasks: the heatmap is shown up to \(heatmapLimit); the largest residuals follow.</p>\n"
        }
        out += "<h3>The \(r.fit.largestResiduals.count) largest residuals</h3>\n<ol class=\"residuals\">\n"
        for pair in r.fit.largestResiduals {
            out += "<li><code>\(HTMLEscaping.escape(pair.taskA))</code> × <code>\(HTMLEscaping.escape(pair.taskB))</code>: "
                + "\(HTMLEscaping.escape(NumberFormat.fixed(pair.value, decimals: 3)))</li>\n"
        }
        return out + "</ol>"
    }

    static func svg(_ r: AnalysisResult, _ s: FitStatistics) -> String {
        let order = LoadingsHeatmap.order(r).flatMap(\.tasks)
        let p = order.count
        let cellSize = Swift.max(8.0, Swift.min(18.0, 640.0 / Double(Swift.max(p, 1))))
        let labelWidth = 260.0, top = 40.0
        let width = labelWidth + Double(p) * cellSize + 140, height = top + Double(p) * cellSize + 20
        var c = SVGCanvas(width: width, height: height)
        let labelSize = Swift.min(11, cellSize)
        let labels = ShortNames.labels(order.map { r.tasks[$0] }, width: labelWidth - 12, size: labelSize)
        let largest = Swift.max(order.flatMap { i in order.map { j in i == j ? 0 : Swift.abs(s.residuals[i, j]) } }.max() ?? 0, 1e-12)
        for (a, i) in order.enumerated() {
            let y = top + Double(a) * cellSize
            c.text(labels[a], labelWidth - 6, y + cellSize - 2, anchor: .end,
                   size: labelSize, className: "tick", title: r.tasks[i])
            for (b, j) in order.enumerated() {
                let value = s.residuals[i, j]
                let t = i == j ? 0 : Swift.max(-1, Swift.min(1, value / largest))
                let colour = i == j ? "#eee" : Palette.diverging(t)
                c.rect(labelWidth + Double(b) * cellSize, y, cellSize, cellSize, fill: colour,
                       title: "\(r.tasks[i]) × \(r.tasks[j]): residual \(NumberFormat.fixed(value, decimals: 3))")
            }
        }
        let lx = labelWidth + Double(p) * cellSize + 16
        c.text("±\(NumberFormat.significant(largest, digits: 2))", lx, top + 12, className: "legend")
        c.rect(lx, top + 20, 14, 14, fill: Palette.diverging(1))
        c.text("more than Σ̂", lx + 20, top + 31, className: "tick")
        c.rect(lx, top + 40, 14, 14, fill: Palette.diverging(-1))
        c.text("less than Σ̂", lx + 20, top + 51, className: "tick")
        return c.render(label: title)
    }
}
