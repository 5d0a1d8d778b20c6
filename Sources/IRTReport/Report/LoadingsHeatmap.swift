import Foundation
import IRTModel

/// View 2: the loadings Λ as a heatmap, tasks grouped by their dominant factor.
enum LoadingsHeatmap {
    /// Task indices grouped by dominant factor (argmax_j λ_tj, first on ties),
    /// groups in factor order, each sorted by its largest loading, descending.
    static func order(_ r: AnalysisResult) -> [(factor: Int, tasks: [Int])] {
        var groups = [[Int]](repeating: [], count: Swift.max(r.k, 1))
        for (t, row) in r.loadings.enumerated() {
            let j = row.indices.max { a, b in row[a] < row[b] || (row[a] == row[b] && a > b) } ?? 0
            groups[Swift.min(j, groups.count - 1)].append(t)
        }
        func top(_ t: Int) -> Double { r.loadings[t].max() ?? 0 }
        return groups.enumerated().compactMap { j, tasks in
            tasks.isEmpty ? nil : (j, tasks.sorted { top($0) > top($1) || (top($0) == top($1) && $0 < $1) })
        }
    }

    static func title(_ r: AnalysisResult) -> String {
        let sizes = order(r).map { "\($0.tasks.count) on factor \($0.factor + 1)" }
        return "Loadings: \(r.nTasks) tasks on \(r.k) \(r.k == 1 ? "factor" : "factors") (\(sizes.joined(separator: ", ")))"
    }

    static let caption = """
        Each row is a task, each column a factor; the colour and the number in a cell are the loading λ \
        (how strongly the task's z-score moves with that factor, from 0 = not at all). Tasks are grouped by \
        the factor they load on most and sorted by that loading; the coloured strip on the left marks the group. \
        The column on the right is the communality h², the share of the task's variance the factors explain (red: above the task's noise ceiling). \
        Hover over a task name for its full name.
        """

    /// Longest task label shown before it is cut with "…".
    static let maxLabelCharacters = 56

    /// The width the task labels need in the monospace face, at most that of ``maxLabelCharacters``
    /// characters (longer names are cut by ``ShortNames``).
    static func labelRoom(_ names: [String], size: Double) -> Double {
        let longest = names.map { TextMetrics.monoWidth($0, size: size) }.max() ?? 10 * 0.6 * size
        return Swift.min(longest, Double(maxLabelCharacters) * 0.6 * size)
    }

    static func svg(_ r: AnalysisResult) -> String {
        let groups = order(r)
        let k = Swift.max(r.k, 1)
        let rowHeight = 17.0, labelSize = 11.0
        let labelWidth = Swift.max(120, labelRoom(r.tasks, size: labelSize) + 24)
        let cellWidth = Swift.max(58, Swift.min(110, 560 / Double(k)))
        let left = labelWidth + 12, top = 96.0, groupGap = 8.0
        let gridWidth = cellWidth * Double(k)
        let h2Width = 80.0
        let width = Swift.max(760, left + gridWidth + h2Width + 20)
        let height = top + Double(r.nTasks) * rowHeight + Double(Swift.max(0, groups.count - 1)) * groupGap + 24
        var c = SVGCanvas(width: width, height: height)

        let maxLoading = r.loadings.flatMap { $0 }.filter(\.isFinite).max() ?? 1
        let scaleTop = Swift.max(0.1, Foundation.ceil(maxLoading * 10 - 1e-9) / 10)

        // Colour legend: a gradient from 0 to the largest loading, with ticks.
        let legendX = left, legendY = 14.0, legendWidth = 240.0
        c.text("loading λ", legendX - 8, legendY + 11, anchor: .end, className: "legend")
        c.linearGradient(id: "loading-gradient", stops: (0...8).map { i in
            (Double(i) / 8, Palette.sequential(Double(i) / 8))
        })
        c.rect(legendX, legendY, legendWidth, 12, fill: "url(#loading-gradient)", stroke: "#999", strokeWidth: 0.5)
        let legendScale = LinearScale(domain: 0, scaleTop, range: legendX, legendX + legendWidth, nice: false)
        for t in legendScale.ticks(count: 5) {
            c.line(legendScale(t), legendY + 12, legendScale(t), legendY + 16, stroke: "#555")
            c.text(NumberFormat.significant(t), legendScale(t), legendY + 28, anchor: .middle, className: "tick")
        }

        // Column headers.
        for j in 0..<k {
            let cx = left + (Double(j) + 0.5) * cellWidth
            c.text("θ\(j + 1)", cx, top - 12, anchor: .middle, weight: "600", fill: Palette.factor(j),
                   className: "legend", title: FactorName.titled(r, j, maxCharacters: 200))
        }
        c.text("h²", left + gridWidth + 12, top - 12, weight: "600", className: "legend")

        let labels = ShortNames.labels(r.tasks, width: labelWidth - 4, size: labelSize, monospace: true)
        var y = top
        for (g, group) in groups.enumerated() {
            if g > 0 {
                y += groupGap
                c.line(12, y - groupGap / 2, left + gridWidth + h2Width, y - groupGap / 2, stroke: "#bbb", dash: "3 3")
            }
            let groupTop = y
            for t in group.tasks {
                let name = r.tasks[t]
                c.text(labels[t], left - 10, y + rowHeight - 5, anchor: .end, size: labelSize, className: "task",
                       title: name)
                for j in 0..<k {
                    let v = j < r.loadings[t].count ? r.loadings[t][j] : .nan
                    let u = v / scaleTop
                    let cx = left + Double(j) * cellWidth
                    c.rect(cx, y, cellWidth - 1, rowHeight - 1, fill: Palette.sequential(u),
                           title: "\(name): λ\(j + 1) = \(NumberFormat.significant(v))")
                    c.text(NumberFormat.fixed(v, decimals: 2), cx + cellWidth / 2, y + rowHeight - 5, anchor: .middle,
                           size: 10, fill: Palette.needsLightText(u) ? "#fff" : (v < 0.005 ? "#aaa" : Palette.ink),
                           className: "cell")
                }
                let h2 = t < r.communality.count ? r.communality[t] : .nan
                let ceiling = t < r.h2Ceiling.count ? r.h2Ceiling[t] : nil
                var tip = "\(name): h² = \(NumberFormat.significant(h2))"
                if let ceiling { tip += " (noise ceiling \(NumberFormat.significant(ceiling)))" }
                c.text(NumberFormat.fixed(h2, decimals: 3), left + gridWidth + 12, y + rowHeight - 5, size: 11,
                       fill: ceiling.map { h2 > $0 } == true ? Palette.overflow : Palette.ink, className: "cell",
                       title: tip)
                y += rowHeight
            }
            // The group's strip in the factor's colour.
            c.rect(left - 6, groupTop, 4, y - groupTop - 1, fill: Palette.factor(group.factor),
                   title: "dominant factor \(group.factor + 1): \(group.tasks.count) tasks")
        }
        return c.render(label: title(r))
    }
}
