import IRTModel

/// The task selection: each task with its direction, why, and coverage; every
/// run and task dropped for gaps.
enum SelectionTable {
    static func html(_ r: AnalysisResult) -> String {
        let s = r.selection
        var out = "<details class=\"selection\"><summary>\(HTMLEscaping.escape(s.summaryLines(maxTasks: 0).first ?? "Tasks"))</summary>\n"
        out += "<div class=\"table-wrap\"><table><thead><tr><th>task</th><th>direction</th><th>why</th><th>coverage</th></tr></thead><tbody>\n"
        for t in s.tasks {
            out += "<tr><td><code>\(HTMLEscaping.escape(t.name))</code></td>"
                + "<td>\(t.direction == .higherIsBetter ? "higher is better" : "lower is better (negated)")</td>"
                + "<td>\(HTMLEscaping.escape(t.reason.description))</td>"
                + "<td class=\"num\">\(HTMLEscaping.escape(NumberFormat.percent(t.coverage, digits: 3)))</td></tr>\n"
        }
        out += "</tbody></table></div>\n"
        if !s.droppedRuns.isEmpty {
            out += "<p class=\"note\">Runs dropped for missing cells: " + s.droppedRuns.map {
                "<code>\(HTMLEscaping.escape($0.name))</code> (line \($0.line), coverage \(HTMLEscaping.escape(NumberFormat.percent($0.coverage, digits: 2))))"
            }.joined(separator: ", ") + ".</p>\n"
        }
        let dropped = s.droppedTasks.filter { $0.reason != .constant }
        if !dropped.isEmpty {
            out += "<p class=\"note\">Tasks dropped for low coverage: " + dropped.map {
                "<code>\(HTMLEscaping.escape($0.name))</code> (\(HTMLEscaping.escape(NumberFormat.percent($0.coverage, digits: 2))))"
            }.joined(separator: ", ") + ".</p>\n"
        }
        return out + "</details>"
    }
}
