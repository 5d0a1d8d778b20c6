import IRTMixture
import IRTModel

/// The report as one self-contained HTML5 page (METHOD.md §9).
///
/// Everything is inline — CSS, the charts as SVG, and a few lines of script
/// that sort the leaderboard when a column header is clicked — so the page
/// renders offline, from a file, with no fonts, scripts or images fetched.
///
/// The page holds a header block (files, n, p, k and how it was chosen,
/// Horn's k95/k_mean, the EM fit, the factor labels, warnings) and the views,
/// each in a `<section>` with a stable id: `fit`, `scree`, `loadings`,
/// `residuals`, `ceiling`, `validation`, `snr`, `makeup`, `ranks`, `pbetter` and
/// `leaderboard`, and `mixture` with a mixture study. The header says in one line where the scores' uncertainty
/// comes from and the smallest difference it lets the page tell apart.
/// Titles are computed from the result (never a hard-coded factor count), and
/// every string from the data is escaped by one function.
///
/// ```swift
/// let result = try Analysis(sweep: sweep, noise: noise).run()
/// try HTMLReport.render(result).write(to: url, atomically: true, encoding: .utf8)
/// ```
public enum HTMLReport {
    /// The page for `result`.
    ///
    /// - Parameters:
    ///   - result: a finished analysis.
    ///   - mixture: the mixture step's output (`--mixture`): adds its decisions to
    ///     the header and the section `mixture`.
    ///   - title: the page title; defaults to "IRT report: <sweep file>".
    /// - Returns: a complete HTML5 document (UTF-8 text).
    public static func render(_ result: AnalysisResult, mixture: MixtureReport? = nil, title: String? = nil) -> String {
        let r = result
        let pageTitle = title ?? "IRT report: \(r.source)"
        var body: [String] = []
        let mixtureCard = mixture.map { "\n" + MixtureSection.card($0, factorLabels: r.factorLabels) } ?? ""
        body.append(section(id: "fit", title: FitCard.title, caption: FitCard.caption, content: FitCard.html(r)))

        body.append(section(id: "scree", title: ScreePlot.title(r), caption: ScreePlot.caption,
                            content: figure(ScreePlot.svg(r))))
        body.append(section(id: "loadings", title: LoadingsHeatmap.title(r), caption: LoadingsHeatmap.caption,
                            content: figure(LoadingsHeatmap.svg(r))))
        body.append(section(id: "residuals", title: ResidualsView.title, caption: ResidualsView.caption,
                            content: ResidualsView.html(r)))

        if r.input == .correlation {
            body.append(section(id: "runs", title: "Views that need runs", caption: nil, content:
                "<p class=\"note\">The input is a correlation matrix of n = \(r.nRuns) runs, not the runs themselves: "
                + "factor scores, the leaderboard, its rank intervals and P(A &gt; B) between runs, the noise ceiling, "
                + "signal-to-noise and held-out validation all need the runs' values, so they are left out.</p>"))
        } else {
            runViews(r, into: &body)
        }
        if let mixture {
            body.append(section(id: "mixture", title: MixtureSection.title(mixture), caption: MixtureSection.caption,
                                content: MixtureSection.html(mixture, factorLabels: r.factorLabels)))
        }

        // The header last: its navigation links only the sections the page holds.
        body.insert("<header>\n<h1>\(HTMLEscaping.escape(pageTitle))</h1>\n\(summary(r))\n\(warnings(r))\(mixtureCard)\n\(SelectionTable.html(r))\n\(navigation(r, sections: body))\n</header>", at: 0)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLEscaping.escape(pageTitle))</title>
            <style>
            \(stylesheet)
            \(mixture == nil ? "" : MixtureSection.stylesheet)
            </style>
            </head>
            <body>
            <main>
            \(body.joined(separator: "\n"))
            <footer>IRTKit \(HTMLEscaping.escape(IRTKitVersion.string)) · non-negative factor analysis · this page is self-contained and works offline</footer>
            </main>
            <script>
            \(LeaderboardTable.script)
            </script>
            </body>
            </html>

            """
    }

    /// The views that need runs: noise ceiling, validation, SNR, rank intervals, P(A > B), leaderboard.
    private static func runViews(_ r: AnalysisResult, into body: inout [String]) {
        var ceiling = CeilingBars.svg(r).map(figure) ?? ("<p class=\"note\">No task has a noise ceiling, so there "
            + "is nothing to compare h² with: a noise file with the same task columns gives one.</p>")
        let unanchored = CeilingBars.unanchored(r)
        if !unanchored.isEmpty {
            let why = r.noiseSource == nil ? "no noise file was given" : "they are missing from the noise file"
            ceiling += "\n<p class=\"note\">\(unanchored.count) \(unanchored.count == 1 ? "task has" : "tasks have") "
                + "no ceiling because \(why): " + unanchored.map { "<code>\(HTMLEscaping.escape($0))</code>" }
                    .joined(separator: ", ") + ".</p>"
        }
        body.append(section(id: "ceiling", title: CeilingBars.title(r),
                            caption: CeilingBars.order(r).isEmpty ? nil : CeilingBars.caption, content: ceiling))

        let metrics = ValidationScatter.metrics(r)
        let validation: String
        if metrics.isEmpty {
            validation = "<p class=\"note\">No held-out metric is present in the sweep, so the scores cannot be "
                + "checked against one here.</p>"
        } else {
            validation = metrics.indices.map { m in
                "<h3>\(HTMLEscaping.escape(metrics[m]))</h3>\n" + figure(ValidationScatter.svg(r, metric: m))
            }.joined(separator: "\n")
        }
        body.append(section(id: "validation", title: ValidationScatter.title(r),
                            caption: metrics.isEmpty ? nil : ValidationScatter.caption, content: validation))

        let snr: String
        if let svg = SNRBars.svg(r) {
            snr = figure(svg) + (SNRBars.caveat(r).map { "\n<p class=\"note\">\(HTMLEscaping.escape($0))</p>" } ?? "")
        } else {
            snr = "<p class=\"note\">No noise file was given, so there is no signal-to-noise estimate: pass replicate "
                + "runs of one mixture that differ only in seed to get one.</p>"
        }
        body.append(section(id: "snr", title: SNRBars.title(r), caption: r.snr == nil ? nil : SNRBars.caption,
                            content: snr))
        if let svg = AggregateMakeUp.svg(r) {
            body.append(section(id: "makeup", title: AggregateMakeUp.title(r), caption: AggregateMakeUp.caption(r),
                                content: figure(svg) + "\n" + AggregateMakeUp.notes(r)))
        }
        body.append(section(id: "ranks", title: RankIntervalChart.title(r), caption: RankIntervalChart.caption(r),
                            content: figure(RankIntervalChart.svg(r))))
        if let svg = PBetterHeatmap.svg(r) {
            body.append(section(id: "pbetter", title: PBetterHeatmap.title(r), caption: PBetterHeatmap.caption(r),
                                content: figure(svg)))
        } else {
            let why = r.uncertainty == nil ? "this result holds no pairwise probabilities"
                : "fewer than two runs were compared, so there is no pair"
            body.append(section(id: "pbetter", title: "Is A really better than B?", caption: nil,
                                content: "<p class=\"note\">No P(A &gt; B) heatmap: \(why).</p>"))
        }
        body.append(section(id: "leaderboard", title: LeaderboardTable.title(r), caption: LeaderboardTable.caption(r),
                            content: LeaderboardTable.html(r)))

    }

    // MARK: - Pieces

    private static func section(id: String, title: String, caption: String?, content: String) -> String {
        var s = "<section id=\"\(id)\">\n<h2>\(HTMLEscaping.escape(title))</h2>\n"
        if let caption { s += "<p class=\"caption\">\(HTMLEscaping.escape(caption))</p>\n" }
        return s + content + "\n</section>"
    }

    private static func figure(_ svg: String) -> String { "<div class=\"figure\">\n\(svg)\n</div>" }

    /// The first card's words for a crawling projected fit whose fixed point was
    /// solved (METHOD.md §6), naming the rotation followed; `nil` otherwise.
    static func fixedPointText(_ em: AnalysisResult.EM) -> String? {
        guard em.fixedPointSolve == true else {
            return em.fixedPointRotationDegrees.map {
                "reached by following the rotation of the loadings the projected map crawled along (\(NumberFormat.significant($0, digits: 2))°) to the loading that stops it; plain map steps left the answer in place"
            }
        }
        let rotation = em.fixedPointRotationDegrees.map {
            " after following the rotation of the loadings it drifted along (\(NumberFormat.significant($0, digits: 2))°) to the loading that stops it"
        } ?? ""
        return "solved by Newton's method\(rotation): the projected map crawled toward it, and plain map steps left the answer in place"
    }

    private static func item(_ term: String, _ value: String, wide: Bool = false) -> String {
        "<div\(wide ? " class=\"wide\"" : "")><dt>\(HTMLEscaping.escape(term))</dt><dd>\(HTMLEscaping.escape(value))</dd></div>"
    }

    static func summary(_ r: AnalysisResult) -> String {
        var items: [String] = []
        items.append(item("sweep file", r.source, wide: true))
        items.append(item("noise file", r.noiseSource ?? "none", wide: true))
        var runs = "\(r.nRuns)"
        if !r.skippedRuns.isEmpty { runs += " (\(r.skippedRuns.count) row(s) skipped)" }
        items.append(item("runs (n)", runs))
        var tasks = "\(r.nTasks)"
        if !r.droppedTasks.isEmpty { tasks += " (\(r.droppedTasks.count) constant dropped)" }
        items.append(item("tasks (p)", tasks))
        items.append(item("factors fitted (k)", r.kChoice.description))
        items.append(item("Horn: k95 / k_mean", "\(r.horn.k95) / \(r.horn.kMean) (\(r.horn.draws) draws, seed \(r.horn.seed))"))
        items.append(item("Horn's rule", r.horn.ruleNote, wide: true))
        if let how = r.horn.nullDrawsNote { items.append(item("Horn's null", how, wide: true)) }
        let em = r.em
        if let c = em.concentratedLikelihood {
            items.append(item("fit", "free loadings by the concentrated likelihood (quasi-Newton over ψ, as R's factanal): "
                + "\(c.iterations) iterations, \(c.evaluations) evaluations, \(em.converged ? "converged" : "not converged") "
                + "(stop: \(em.stopRule.name) < \(NumberFormat.significant(em.stopRule.tolerance)))"
                + (c.tasksAtBound > 0 ? "; \(c.tasksAtBound) ψ at the lower bound" : ""), wide: true))
            items.append(item("estimated distance of ψ to the optimum",
                              em.estimatedDistance.map { NumberFormat.significant($0, digits: 2) } ?? "unknown"))
        } else {
            items.append(item("EM", "\(em.iterations) iterations, \(em.converged ? "converged" : "not converged") "
                + "(\(em.mStep.rawValue) M-step: \(em.mStep.estimator), \(em.acceleration.rawValue), stop: \(em.stopRule.name) < \(NumberFormat.significant(em.stopRule.tolerance)))"))
            items.append(item("estimated distance to the fixed point",
                              em.estimatedDistance.map { NumberFormat.significant($0, digits: 2) } ?? "unknown (steps not contracting)"))
            if let text = fixedPointText(em) { items.append(item("fixed point", text)) }
        }
        items.append(item("log-likelihood", NumberFormat.significant(em.logLikelihood, digits: 6)))
        switch em.identification {
        case .pinned?: items.append(item("loadings", "pinned by their zeros (stop on Λ)"))
        case let .weaklyIdentified(free)?:
            items.append(item("loadings", "weakly identified: \(free) free rotation direction(s)"
                + (em.stopQuantity == .covariance
                    ? ", stopped on Σ = ΛΛᵀ + Ψ (estimated distance \(em.covarianceDistance.map { NumberFormat.significant($0, digits: 2) } ?? "unknown"))"
                    : "")))
        case nil: break
        }
        if let psiModel = r.psiModel, r.noiseSource != nil {
            items.append(item("ψ model", psiModel.sentence(atFloor: r.tasksAtNoiseFloor ?? 0, tasks: r.tasks.count), wide: true))
        }
        if let snr = r.snr { items.append(item("noise runs", "\(snr.noiseRuns)")) }
        items.append(item("uncertainty", UncertaintyWording.headline(r), wide: true))
        if let d = r.aggregateDefinition, let w = r.aggregateWeights {
            items.append(item("aggregate", "\(d.formula); \(NumberFormat.fixed(w.effectiveTasks, decimals: 1)) effective tasks of \(w.tasks.count), half of the weight on \(w.halfWeightTasks)", wide: true))
        }
        for (j, label) in r.factorLabels.enumerated() { items.append(item("factor \(j + 1)", label, wide: true)) }
        return "<dl class=\"summary\">\n" + items.joined(separator: "\n") + "\n</dl>"
    }

    static func warnings(_ r: AnalysisResult) -> String {
        guard !r.warnings.isEmpty else { return "<p class=\"ok\">No warnings.</p>" }
        return "<div class=\"warnings\"><h2>Warnings</h2>\n<ul>\n"
            + r.warnings.map { "<li>\(HTMLEscaping.escape($0.message))</li>" }.joined(separator: "\n") + "\n</ul></div>"
    }

    /// The links to the views, those of `sections` (the rendered `<section>`s) only.
    private static func navigation(_ r: AnalysisResult, sections: [String]) -> String {
        let links = [("fit", "Model fit"), ("scree", "Scree"), ("loadings", "Loadings"), ("residuals", "Residuals"),
                     ("ceiling", "h² vs ceiling"), ("validation", "Validation"), ("snr", "Signal-to-noise")]
            + (r.aggregateWeights == nil ? [] : [("makeup", "Aggregate make-up")])
            + [("ranks", "Rank intervals"), ("pbetter", "A vs B"), ("leaderboard", "Leaderboard"),
               ("runs", "Views that need runs"), ("mixture", "Mixture")]
        let present = links.filter { link in sections.contains { $0.hasPrefix("<section id=\"\(link.0)\">") } }
        return "<nav>" + present.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " · ") + "</nav>"
    }

    static let stylesheet = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f6f7f9; color: #222;
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
        h1 { font-size: 26px; margin: 0 0 12px; }
        h2 { font-size: 19px; margin: 0 0 6px; }
        h3 { font-size: 15px; margin: 18px 0 4px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        header, section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 18px 22px;
                          margin: 0 0 22px; }
        nav { margin-top: 12px; font-size: 14px; }
        nav a { color: #1f5fa8; text-decoration: none; }
        nav a:hover { text-decoration: underline; }
        dl.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 6px 24px;
                     margin: 0 0 12px; }
        dl.summary div { min-width: 0; }
        dl.summary div.wide { grid-column: span 2; }
        dl.summary dt { font-size: 12px; color: #666; text-transform: uppercase; letter-spacing: .03em; }
        dl.summary dd { margin: 0; overflow-wrap: anywhere; }
        .warnings { background: #fff8e6; border: 1px solid #f0d48a; border-radius: 6px; padding: 10px 14px; }
        .warnings h2 { font-size: 15px; margin: 0 0 4px; }
        .warnings ul { margin: 0; padding-left: 20px; font-size: 14px; }
        .warnings li { overflow-wrap: anywhere; }
        .ok { color: #2b7a3d; margin: 0; }
        .caption { color: #444; max-width: 900px; margin: 0 0 12px; font-size: 14px; }
        .note { color: #444; font-size: 14px; overflow-wrap: anywhere; }
        table.fit td, table.fit th { padding: 3px 10px; text-align: right; white-space: nowrap; }
        table.fit td:first-child, table.fit th:first-child { text-align: left; }
        table.fit tr.current { font-weight: 600; background: #f2f6fb; }
        details.selection { margin: 10px 0; font-size: 14px; }
        details.selection summary { cursor: pointer; }
        ol.residuals { font-size: 14px; }
        ol.residuals code, h3 { overflow-wrap: anywhere; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
        .figure { overflow-x: auto; }
        @media print {
          body { background: #fff; }
          main { max-width: none; padding: 0; }
          main nav { display: none; }
          main h2, main h3 { break-after: avoid; }
          main .figure { overflow: visible; break-inside: avoid; }
          main .table-wrap { max-height: none; overflow: visible; border: 0; }
          main table.fit td, main table.fit th { white-space: normal; padding: 2px 4px; }
          main table.leaderboard { font-size: 9px; }
          main table.leaderboard th::after { content: none; }
          main table.leaderboard th { position: static; max-width: none; padding: 3px 2px; }
          main table.leaderboard td { padding: 2px; }
          main table.leaderboard td.run { white-space: normal; overflow-wrap: anywhere; }
        }
        svg { display: block; max-width: 100%; height: auto; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 12px; }
        svg text.tick { fill: #555; font-size: 11px; }
        svg text.axis-title { fill: #333; font-size: 13px; }
        svg text.task { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        svg text.cell { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        svg text.panel-title { font-size: 13px; }
        svg :is(rect, circle, polygon)[fill]:hover { stroke: #000; stroke-width: 1.5; }
        .table-wrap { max-height: 720px; overflow: auto; border: 1px solid #e1e4e8; border-radius: 6px; }
        table.leaderboard { border-collapse: collapse; width: 100%; font-size: 13px; }
        table.leaderboard th { position: sticky; top: 0; background: #eef1f5; cursor: pointer; user-select: none;
                               text-align: left; vertical-align: bottom; padding: 6px 8px; border-bottom: 1px solid #cfd5dc;
                               max-width: 170px; font-weight: 600; }
        table.leaderboard th[data-type="num"] { text-align: right; }
        table.leaderboard th::after { content: "\\00a0↕"; color: #aaa; }
        table.leaderboard th[aria-sort="ascending"]::after { content: "\\00a0▲"; color: #1f5fa8; }
        table.leaderboard th[aria-sort="descending"]::after { content: "\\00a0▼"; color: #1f5fa8; }
        table.leaderboard td { padding: 3px 8px; border-bottom: 1px solid #f0f0f0; }
        table.leaderboard td.num { text-align: right; font-variant-numeric: tabular-nums;
                                   font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        table.leaderboard td.run { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; }
        table.leaderboard tbody tr:hover { background: #f3f7fc; }
        table.leaderboard tr.baseline { background: #fff3d6; }
        table.leaderboard tr.baseline:hover { background: #ffe9b3; }
        .tag { color: #c77f00; margin-left: 2px; }
        footer { color: #888; font-size: 12px; text-align: center; }
        """
}
