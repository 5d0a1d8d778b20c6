import IRTModel

/// The card "What the aggregate is made of": each task's share of the
/// aggregate's weight (largest first, coloured by task group) with its ψ and
/// noise share, the shares by group, the effective number of tasks, and how
/// the top of the leaderboard moves under the balanced aggregate (METHOD.md §8a).
enum AggregateMakeUp {
    static func title(_ r: AnalysisResult) -> String {
        guard let w = r.aggregateWeights else { return "What the aggregate is made of" }
        return "What the aggregate is made of: \(NumberFormat.fixed(w.effectiveTasks, decimals: 1)) effective tasks of "
            + "\(w.tasks.count); the top 3 hold \(NumberFormat.percent(w.top3Share, digits: 2))"
    }

    static func caption(_ r: AnalysisResult) -> String {
        let formula = r.aggregateDefinition?.formula ?? "mean of θ"
        return """
            The aggregate (\(formula)) is a weighted sum of a complete run's standardized task values, a = Σ_t w_t z_t. \
            Each bar is a task's share of the weight, |w_t| / Σ|w|, largest first, coloured by task group; a red bar \
            is a negative weight. The factor model leans on the tasks with the smallest uniqueness ψ (the least \
            noise of their own), so a few quiet tasks can carry most of the aggregate: the effective number of \
            tasks, (Σ|w|)² / Σw², is the number of equally weighted tasks that would spread the weight as evenly. \
            The columns give each task's weight w, ψ and noise share (the share of its sweep variance that is \
            seed noise, where a noise file gives it).
            """
    }

    /// The groups in the order of their share, each with its colour.
    static func groupColours(_ w: AggregateWeights) -> [String: String] {
        Dictionary(uniqueKeysWithValues: w.byGroup.enumerated().map { ($1.name, Palette.factor($0)) })
    }

    /// The chart, or `nil` without a make-up (a correlation-matrix input, an older result).
    static func svg(_ r: AnalysisResult) -> String? {
        guard let w = r.aggregateWeights, !w.tasks.isEmpty else { return nil }
        let colours = groupColours(w)
        let rowHeight = 16.0, labelSize = 11.0
        let left = Swift.max(130, LoadingsHeatmap.labelRoom(w.tasks.map(\.name), size: labelSize) + 24)
        let valueWidth = 300.0
        let width = 1100.0, right = width - valueWidth, top = 52.0
        let bottom = top + Double(w.tasks.count) * rowHeight
        let height = bottom + 50
        var c = SVGCanvas(width: width, height: height)
        let largest = w.tasks.map(\.share).max() ?? 1
        let x = LinearScale(domain: 0, Swift.max(largest, 1e-12), range: left, right, nice: true)
        c.xAxis(ticks: x.ticks(count: 8).map { (x($0), NumberFormat.percent($0, digits: 2)) }, y: bottom, x0: left,
                x1: right, title: "share of the aggregate's weight", gridTop: top)
        c.text("weight w · ψ · noise share", right + 12, top - 8, weight: "600", className: "legend")

        var lx = left
        for g in w.byGroup.prefix(8) {
            lx = c.legendItem("\(g.name) \(NumberFormat.percent(g.share, digits: 2))", x: lx, y: 20) { c, x, y in
                c.rect(x, y - 6, 20, 12, fill: colours[g.name] ?? Palette.accent)
            }
        }
        if w.tasks.contains(where: { $0.weight < 0 }) {
            c.legendItem("negative weight", x: lx, y: 20) { c, x, y in c.rect(x, y - 6, 20, 12, fill: Palette.overflow) }
        }

        let labels = ShortNames.labels(w.tasks.map(\.name), width: left - 14, size: labelSize, monospace: true)
        var y = top
        for (task, label) in zip(w.tasks, labels) {
            let noise = task.noiseShare.map { NumberFormat.noiseShare($0) } ?? "no anchor"
            let tip = "\(task.name) (group \(task.group)): share \(NumberFormat.percent(task.share, digits: 3)), "
                + "w = \(NumberFormat.significant(task.weight, digits: 3)), ψ = \(NumberFormat.significant(task.psi, digits: 3)), "
                + "noise share \(noise)"
            c.text(label, left - 8, y + rowHeight - 4, anchor: .end,
                   size: labelSize, className: "task", title: task.name)
            let fill = task.weight < 0 ? Palette.overflow : (colours[task.group] ?? Palette.accent)
            c.rect(x(0), y + 2, Swift.max(task.share > 0 ? 1 : 0, x(task.share) - x(0)), rowHeight - 4, fill: fill,
                   title: tip)
            let value = NumberFormat.fixed(task.weight, decimals: 4) + " · " + NumberFormat.significant(task.psi, digits: 2)
                + " · " + noise
            c.text(value, right + 12, y + rowHeight - 4, size: labelSize, className: "cell", title: tip)
            y += rowHeight
        }
        return c.render(label: title(r))
    }

    /// The notes under the chart: the groups, the half-weight tasks, and the balanced aggregate's leaderboard.
    static func notes(_ r: AnalysisResult) -> String {
        guard let w = r.aggregateWeights else { return "" }
        func code(_ s: String) -> String { "<code>\(HTMLEscaping.escape(s))</code>" }
        var out = "<p class=\"note\">" + HTMLEscaping.escape(w.headline.prefix(1).uppercased() + w.headline.dropFirst())
            + ". By group: " + w.byGroup.map { "\(code($0.name)) \(NumberFormat.percent($0.share, digits: 2)) "
                + "(\($0.tasks) \($0.tasks == 1 ? "task" : "tasks"))" }.joined(separator: ", ")
            + " — a group is the task name before its first <code>/</code> unless <code>--task-group</code> rules say otherwise.</p>"
        guard let d = r.aggregateDefinition else { return out }
        if let b = d.balancedComparison {
            let balanced = AggregateDefinition.formula(kind: .balanced, factorWeights: b.factorWeights)
            let moves = b.entering.isEmpty ? "the same \(b.top) runs make the top \(b.top)"
                : "\(b.entering.map(code).joined(separator: ", ")) \(b.entering.count == 1 ? "enters" : "enter") the top \(b.top) and "
                    + "\(b.leaving.map(code).joined(separator: ", ")) \(b.leaving.count == 1 ? "leaves" : "leave")"
            out += "\n<p class=\"note\">The balanced aggregate, \(HTMLEscaping.escape(balanced)) (factor weights that give each "
                + "factor an equal share of the aggregate's variance across the sweep), ranks the runs with Spearman ρ = "
                + "\(NumberFormat.fixed(b.spearman, decimals: 4)) against the mean of θ; \(moves); the largest rank move "
                + "is \(b.largestRankMove). \(d.kind == .balanced ? "The leaderboard uses the balanced aggregate." : "")</p>"
        } else if let note = d.balancedNote {
            out += "\n<p class=\"note\">\(HTMLEscaping.escape(note.prefix(1).uppercased() + note.dropFirst())).</p>"
        }
        return out
    }
}
