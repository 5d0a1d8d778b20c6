import IRTModel

/// View 3: each task's communality h² against its noise ceiling 1 − noise share.
enum CeilingBars {
    /// Tasks with a ceiling, highest ceiling first (file order on ties).
    static func order(_ r: AnalysisResult) -> [Int] {
        let anchored = r.tasks.indices.filter { $0 < r.h2Ceiling.count && r.h2Ceiling[$0] != nil }
        return anchored.sorted { a, b in
            let ca = r.h2Ceiling[a]!, cb = r.h2Ceiling[b]!
            return ca > cb || (ca == cb && a < b)
        }
    }

    /// Tasks with no ceiling (absent from the noise file, or no noise file).
    static func unanchored(_ r: AnalysisResult) -> [String] {
        r.tasks.indices.filter { $0 >= r.h2Ceiling.count || r.h2Ceiling[$0] == nil }.map { r.tasks[$0] }
    }

    static func above(_ r: AnalysisResult) -> [Int] {
        order(r).filter { r.communality[$0] > r.h2Ceiling[$0]! }
    }

    static func title(_ r: AnalysisResult) -> String {
        let anchored = order(r).count
        if anchored == 0 { return "h² against its noise ceiling: no task has a ceiling" }
        return "h² against its noise ceiling: \(above(r).count) of \(anchored) tasks above the ceiling"
    }

    static let caption = """
        One bar per task with a noise anchor, highest ceiling first. The ceiling (black tick) is \
        1 − noise share: the most of a task's variance across the sweep that is not seed noise, so the most \
        any model could explain. The dark bar is the communality h² the factors achieve (up to the ceiling), \
        the light bar the room left below the ceiling, and a red bar an h² above the ceiling — the model explains \
        seed noise there, or the noise estimate is low. Differences near 1 are small: hover for exact values.
        """

    /// The chart, or `nil` when no task has a ceiling (the page then says so in words).
    static func svg(_ r: AnalysisResult) -> String? {
        let tasks = order(r)
        guard !tasks.isEmpty else { return nil }
        let rowHeight = 16.0, labelSize = 11.0
        let left = Swift.max(130, LoadingsHeatmap.labelRoom(tasks.map { r.tasks[$0] }, size: labelSize) + 24)
        let valueWidth = 190.0
        let width = 1100.0, right = width - valueWidth, top = 52.0
        let bottom = top + Double(tasks.count) * rowHeight
        let height = bottom + 50
        var c = SVGCanvas(width: width, height: height)
        let x = LinearScale(domain: 0, 1, range: left, right, nice: false)

        c.xAxis(ticks: x.ticks(count: 10).map { (x($0), NumberFormat.significant($0)) }, y: bottom, x0: left, x1: right,
                title: "share of the task's sweep variance", gridTop: top)
        c.text("h² / ceiling", right + 12, top - 8, weight: "600", className: "legend")

        // Legend.
        var lx = left
        let ly = 20.0
        lx = c.legendItem("h² achieved", x: lx, y: ly) { c, x, y in c.rect(x, y - 6, 20, 12, fill: Palette.accent) }
        lx = c.legendItem("room left to the ceiling", x: lx, y: ly) { c, x, y in
            c.rect(x, y - 6, 20, 12, fill: "#c6dbef")
        }
        lx = c.legendItem("h² above the ceiling", x: lx, y: ly) { c, x, y in
            c.rect(x, y - 6, 20, 12, fill: Palette.overflow)
        }
        c.legendItem("noise ceiling", x: lx, y: ly) { c, x, y in
            c.line(x + 10, y - 8, x + 10, y + 8, stroke: Palette.ink, width: 2)
        }

        let labels = ShortNames.labels(tasks.map { r.tasks[$0] }, width: left - 14, size: labelSize, monospace: true)
        var y = top
        for (t, label) in zip(tasks, labels) {
            let name = r.tasks[t]
            let h2 = Swift.min(1, Swift.max(0, r.communality[t]))
            let ceiling = r.h2Ceiling[t]!
            let achieved = Swift.min(h2, ceiling)
            let tip = "\(name): h² = \(NumberFormat.significant(r.communality[t], digits: 4)), "
                + "ceiling = \(NumberFormat.significant(ceiling, digits: 4))"
            c.text(label, left - 8, y + rowHeight - 4, anchor: .end,
                   size: labelSize, className: "task", title: name)
            c.beginGroup(title: tip)
            let barY = y + 2, barH = rowHeight - 4
            c.rect(x(0), barY, x(achieved) - x(0), barH, fill: Palette.accent)
            if ceiling > achieved { c.rect(x(achieved), barY, x(ceiling) - x(achieved), barH, fill: "#c6dbef") }
            if h2 > ceiling {
                // At least 2 px so a small overflow is still seen.
                c.rect(x(ceiling), barY, Swift.max(2, x(h2) - x(ceiling)), barH, fill: Palette.overflow)
            }
            c.line(x(ceiling), y, x(ceiling), y + rowHeight, stroke: Palette.ink, width: 2)
            c.endGroup()
            let over = h2 > ceiling
            let value = NumberFormat.fixed(r.communality[t], decimals: 3) + " / " + NumberFormat.fixed(ceiling, decimals: 3)
                + (over ? "  (+" + NumberFormat.significant(r.communality[t] - ceiling, digits: 1) + ")" : "")
            c.text(value, right + 12, y + rowHeight - 4, size: labelSize, fill: over ? Palette.overflow : Palette.ink,
                   className: "cell", title: tip)
            y += rowHeight
        }
        return c.render(label: title(r))
    }
}
