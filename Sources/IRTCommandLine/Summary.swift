import Foundation
import IRTModel
import IRTReport

/// The stdout summary of `irt-report`: what a person reads after a run.
public enum Summary {
    /// The fit block's line on the cost of non-negativity — "not measured" when
    /// the free fit ended below the non-negative one (``FitAssessment/NonNegativityCost/isMeasured``).
    public static func costLine(_ cost: FitAssessment.NonNegativityCost) -> String {
        guard cost.isMeasured else {
            return "  Cost of non-negativity: not measured (the free-loading fit ended below the non-negative one, at log-likelihood \(NumberFormat.significant(cost.freeLogLikelihood, digits: 8, ascii: true)); see the warnings)"
        }
        return "  Cost of non-negativity: log-likelihood \(NumberFormat.significant(cost.difference, digits: 3, ascii: true)) below free loadings (LR \(NumberFormat.significant(cost.likelihoodRatio, digits: 3, ascii: true)); a boundary test, no p-value)"
    }

    /// The EM block's line for a crawling projected fit whose fixed point was
    /// solved (METHOD.md §6), naming the rotation followed; `nil` otherwise.
    public static func fixedPointLine(_ em: AnalysisResult.EM) -> String? {
        let steps = FitOptions().tuning.projectedVerification
        guard em.fixedPointSolve == true else {
            // A rotation followed, then settled by the check's own steps without a solve.
            return em.fixedPointRotationDegrees.map {
                "(the projected map crawled along a rotation of the loadings; it was followed (\(NumberFormat.significant($0, digits: 2, ascii: true)) degrees) to the loading that stops it, and \(steps) plain map steps left the answer in place)"
            }
        }
        let rotation = em.fixedPointRotationDegrees.map {
            "after following the rotation of the loadings it drifted along (\(NumberFormat.significant($0, digits: 2, ascii: true)) degrees) to the loading that stops it, "
        } ?? ""
        return "(the projected map crawled toward its fixed point; the fixed-point equation was solved by Newton's method \(rotation)and \(steps) plain map steps left the answer in place)"
    }

    /// What the fit says of the loadings' identification, the quantity the stop
    /// rule measured, in one line (`nil` for free loadings
    /// and for results written before these were recorded).
    public static func identificationLine(_ em: AnalysisResult.EM) -> String? {
        var parts: [String] = []
        switch em.identification {
        case .pinned?: parts.append("loadings pinned by their zeros")
        case let .weaklyIdentified(free)?: parts.append("loadings WEAKLY identified (\(free) free rotation direction(s))")
        case nil: break
        }
        if em.stopQuantity == .covariance {
            parts.append("stopped on Σ = ΛΛᵀ + Ψ" + (em.covarianceDistance.map { " (estimated distance \(sci($0)))" } ?? ""))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The fit line of free loadings fitted by the concentrated likelihood (no EM ran).
    static func concentratedLine(_ em: AnalysisResult.EM, _ c: ConcentratedLikelihoodFit) -> String {
        let distance = em.estimatedDistance.map { "estimated distance of ψ to the optimum \(sci($0))" } ?? "distance unknown"
        let bound = c.tasksAtBound > 0 ? ", \(c.tasksAtBound) ψ at the lower bound" : ""
        return "Free loadings by the concentrated likelihood (quasi-Newton over ψ, as R's factanal): \(c.iterations) iterations, \(c.evaluations) evaluations, \(em.converged ? "converged" : "NOT converged"), \(distance)\(bound)\n"
            + "    (stop rule \(em.stopRule.name) < \(sci(em.stopRule.tolerance)), log-likelihood \(NumberFormat.fixed(em.logLikelihood, decimals: 4, ascii: true)))"
    }

    /// The full summary, ending with the report path. Warnings (every
    /// decision taken for the user and every doubt about the result) come right
    /// after the fit, before the numbers they qualify; the mixture step, when
    /// `mixture` is given, comes last (``mixture(_:factorLabels:files:)``).
    public static func text(_ r: AnalysisResult, reportPath: String, top: Int = 10, mixture: MixtureReport? = nil) -> String {
        var lines = r.selection.summaryLines()
        let dropped = r.droppedTasks.isEmpty ? "" : " (\(r.droppedTasks.count) constant task(s) dropped)"
        let skipped = r.skippedRuns.isEmpty ? "" : " (\(r.skippedRuns.count) row(s) skipped)"
        lines.append("\(r.input == .correlation ? "Observations" : "Runs") n = \(r.nRuns)\(skipped), tasks p = \(r.nTasks)\(dropped)")
        lines.append("Horn's parallel analysis (\(r.horn.draws) draws, seed \(r.horn.seed)): k95 = \(r.horn.k95), k_mean = \(r.horn.kMean)")
        lines.append("  \(r.horn.ruleNote)")
        if let how = r.horn.nullDrawsNote { lines.append("  \(how)") }
        lines.append("Fitted \(r.kChoice)")
        for j in 0..<r.k { lines.append("  θ\(j + 1): \(FactorName.label(r, j))") }
        let distance = r.em.stopQuantity == .covariance
            ? "estimated distance of Σ = ΛΛᵀ + Ψ to the fixed point \(r.em.covarianceDistance.map { sci($0) } ?? "unknown") (Λ weakly identified)"
            : r.em.estimatedDistance.map { "estimated distance to the fixed point \(sci($0))" }
                ?? "estimated distance unknown (steps not contracting)"
        let acceleration = switch r.em.acceleration {
        case .none: "plain EM"
        case .squarem: "SQUAREM"
        case .anderson: "Anderson acceleration"
        }
        if let concentrated = r.em.concentratedLikelihood {
            lines.append(concentratedLine(r.em, concentrated))
        } else {
            lines.append("EM: \(r.em.iterations) iterations, \(r.em.converged ? "converged" : "NOT converged"), \(distance)")
            lines.append("    (\(acceleration), \(r.em.mStep.rawValue) M-step: \(r.em.mStep.estimator), stop rule \(r.em.stopRule.name) < \(sci(r.em.stopRule.tolerance)), log-likelihood \(NumberFormat.fixed(r.em.logLikelihood, decimals: 4, ascii: true)))")
        }
        if let line = fixedPointLine(r.em) { lines.append("    " + line) }
        if let identification = identificationLine(r.em) { lines.append("    " + identification) }
        if let psiModel = r.psiModel, r.noiseSource != nil {
            lines.append("    " + psiModel.sentence(atFloor: r.tasksAtNoiseFloor ?? 0, tasks: r.tasks.count))
        }

        if !r.warnings.isEmpty {
            lines.append("")
            lines.append("Warnings:")
            lines.append(contentsOf: r.warnings.map { "  - " + $0.message })
        }

        lines.append("")
        lines.append(contentsOf: fit(r))
        if r.input == .correlation {
            lines.append("")
            lines.append("Report: \(reportPath)")
            return lines.joined(separator: "\n")
        }

        lines.append("")
        lines.append(contentsOf: leaderboard(r, top: top))
        lines.append(contentsOf: aggregate(r))

        lines.append("")
        lines.append(contentsOf: signalToNoise(r))

        if !r.validation.isEmpty {
            lines.append("")
            lines.append("Held-out validation (Pearson r with each θ):")
            let width = r.validation.keys.map(TerminalText.width).max() ?? 0
            for metric in r.validation.keys.sorted() {
                let rs = (r.validation[metric] ?? []).enumerated().map { j, value in
                    "θ\(j + 1) " + (value.map { (($0 >= 0 ? "+" : "") + fixed($0)) } ?? "n/a")
                }
                lines.append("  " + pad(metric, width) + "  " + rs.joined(separator: "   "))
            }
        }
        if let mixture {
            lines.append("")
            lines.append(contentsOf: Self.mixture(mixture, factorLabels: r.factorLabels,
                                                  files: ReportFiles.mixtureNames.joined(separator: ", ") + " in the report folder"))
        }
        lines.append("")
        lines.append("Report: \(reportPath)")
        return lines.joined(separator: "\n")
    }

    /// The fit statistics at k and its neighbours, one line each, and the cost of non-negativity.
    static func fit(_ r: AnalysisResult) -> [String] {
        guard r.fit.statistics != nil || !r.fit.neighbours.isEmpty else {
            return ["Model fit: " + (r.fit.unavailable ?? "not available")]
        }
        var lines = ["Model fit (Bartlett χ², df, p; TLI; CFI; RMSEA [90%]; RMSR; BIC):"]
        let rows = (r.fit.neighbours.map { ($0.k, $0.statistics, $0.unavailable) } + [(r.k, r.fit.statistics, r.fit.unavailable)])
            .sorted { $0.0 < $1.0 }
        for (k, s, why) in rows {
            let mark = k == r.k ? "*" : " "
            guard let s else { lines.append(" \(mark)k = \(k): \(why ?? "not available")"); continue }
            let rmsea = s.rmsea.map { "\(fixed($0.estimate)) [\(fixed($0.lower)), \(fixed($0.upper))]" } ?? "n/a"
            let p = s.pValue.map { sci($0) } ?? "n/a"
            lines.append(" \(mark)k = \(k): χ² = \(NumberFormat.significant(s.chiSquareBartlett, digits: 6, ascii: true)), df = \(s.degreesOfFreedom), p = \(p); TLI \(fixed(s.tli)); CFI \(fixed(s.cfi)); RMSEA \(rmsea); RMSR \(fixed(s.rmsr)); BIC \(NumberFormat.significant(s.bic, digits: 6, ascii: true))")
        }
        if let cost = r.fit.nonNegativityCost { lines.append(Self.costLine(cost)) }
        return lines
    }

    /// The top of the leaderboard as an aligned table.
    static func leaderboard(_ r: AnalysisResult, top: Int) -> [String] {
        let entries = r.leaderboard.prefix(top)
        let model = entries.contains { $0.aggregateSDModel != nil }
        let header = ["rank", "95% interval", "p_best", "run", "aggregate", "± sd"] + (model ? ["± model", "larger"] : [])
            + (0..<r.k).map { "θ\($0 + 1)" }
        let rows = entries.map { e in
            let interval = e.rankInterval.count == 2 ? "\(e.rankInterval[0])–\(e.rankInterval[1])" : ""
            let modelCells = model ? [e.aggregateSDModel.map(fixed) ?? "", e.aggregateSDModel.map { $0 > e.aggregateSD ? "model" : "seed" } ?? ""] : []
            return ["\(e.rank)", interval, NumberFormat.fixed(e.pBest, decimals: 2), truncate(e.runName, 40), fixed(e.aggregate),
                    fixed(e.aggregateSD)] + modelCells + e.theta.map(fixed)
        }
        var widths = header.map(TerminalText.width)
        for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], TerminalText.width(cell)) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { j, cell in j == 3 ? pad(cell, widths[j]) : padLeft(cell, widths[j]) }
                .joined(separator: "  ")
        }
        let source = r.uncertainty?.source == .seedReplicates
            ? (model ? "± sd is seed noise measured on replicate runs; rank intervals and p_best add the model's refits (± model), from \(r.rankDraws) joint draws"
                : "± sd, rank intervals and p_best are seed noise measured on replicate runs, from \(r.rankDraws) joint draws")
            : "± sd, rank intervals and p_best are model-based (posterior given the fitted loadings, not seed noise), from \(r.rankDraws) draws"
        return ["Top \(entries.count) of \(r.leaderboard.count) runs by aggregate (\(r.aggregateDefinition?.formula ?? "mean of θ"); \(source)):", "  " + format(header)]
            + rows.map { "  " + format($0) } + uncertainty(r)
    }

    /// The aggregate's definition, its make-up and how the top moves under the balanced aggregate.
    static func aggregate(_ r: AnalysisResult) -> [String] {
        guard let d = r.aggregateDefinition, let w = r.aggregateWeights else { return [] }
        func percent(_ x: Double) -> String { NumberFormat.percent(x, digits: 2) }
        let weights = d.factorWeights.map { NumberFormat.fixed($0, decimals: 3) }.joined(separator: ", ")
        var lines = ["Aggregate: \(d.formula) (factor weights \(weights))"]
        lines.append("  Made of: \(w.headline)")
        lines.append("  By group: " + AnalysisWarning.list(w.byGroup.map { "\($0.name) \(percent($0.share)) (\($0.tasks) tasks)" }, limit: 8))
        if let c = d.balancedComparison {
            let balanced = AggregateDefinition.formula(kind: .balanced, factorWeights: c.factorWeights)
            let moves = c.entering.isEmpty ? "the same runs"
                : "\(c.entering.count) enter (\(AnalysisWarning.list(c.entering, limit: 5))), \(c.leaving.count) leave (\(AnalysisWarning.list(c.leaving, limit: 5)))"
            lines.append("  Balanced aggregate (\(balanced)) against the mean of θ: Spearman ρ = \(NumberFormat.fixed(c.spearman, decimals: 4)) over \(r.leaderboard.count) runs; top \(c.top): \(moves); largest rank move \(c.largestRankMove)")
        } else if let note = d.balancedNote {
            lines.append("  Balanced aggregate: \(note)")
        }
        return lines
    }

    /// One line per source of uncertainty, the minimum detectable difference and the tie group.
    static func uncertainty(_ r: AnalysisResult) -> [String] {
        guard let u = r.uncertainty else { return [] }
        var lines: [String] = []
        if u.source == .seedReplicates, let sd = u.aggregateSeedSD, let df = u.seedCovarianceDF,
           let m = u.seedReplicates {
            lines.append(seedNoiseLine(u, sd: sd, df: df, replicates: m))
        } else {
            lines.append("  Model-based: no seed noise measured (see warnings); the posterior takes each task's noise as independent")
        }
        if let b = u.bootstrap {
            lines.append("  Model's own uncertainty: \(b.n - b.failed) refits on runs drawn with replacement (± model; included in the intervals and p_best); their aggregates correlate at least r = \(NumberFormat.fixed(b.lowestAggregateR, decimals: 4)) with the full fit's\(u.bootstrapNote.map { "; \($0)" } ?? "")")
        } else {
            let remedy = u.bootstrapNote == ScoreUncertainty.notRequested
                ? " — --bootstrap 100 adds it to the intervals (about 1–2 s on 242 runs × 43 tasks)" : ""
            lines.append("  Model's own uncertainty: \(u.bootstrapNote ?? "not measured")\(remedy)")
        }
        let share = u.minDetectableShare.isFinite ? " (\(NumberFormat.fixed(100 * u.minDetectableShare, decimals: 1))% of the sweep's aggregate sd)" : ""
        lines.append("  Differences below \(sig(u.minDetectableDifference))\(share) between two complete runs are \(u.source == .seedReplicates ? "seed noise" : "within the posterior's noise") (95%)")
        lines.append("  Tie group: " + UncertaintyWording.tieGroup(u))
        return lines
    }

    /// The seed-noise line: from how many replicates, and with replicate
    /// groups how many groups and which estimate Bartlett's test chose.
    static func seedNoiseLine(_ u: ScoreUncertainty, sd: Double, df: Int, replicates m: Int) -> String {
        let extra = "runs missing tasks add the posterior's extra"
        guard let groups = u.seedGroups else {
            return "  Seed noise: aggregate sd \(sig(sd)) from \(m) replicate runs scored with the model, each with the noise anchors of the others (\(df) df; the same seed noise assumed for every run; \(extra))"
        }
        let total = groups.reduce(0) { $0 + $1.runs }
        guard let test = u.bartlett else {
            return "  Seed noise: aggregate sd \(sig(sd)) from \(total) replicate runs of 1 replicate group scored with the model (\(df) df; the same seed noise assumed for every run; \(extra))"
        }
        let bartlett = "Bartlett p = \(sig(test.p))"
        switch test.rule {
        case .pooled:
            return "  Seed noise: aggregate sd \(sig(sd)) pooled over \(groups.count) replicate groups (\(total) runs scored with the model, \(df) df; \(bartlett) ≥ 0.05: the same seed noise assumed for every run; \(extra))"
        case .largestGroup:
            return "  Seed noise: aggregate sd \(sig(sd)) of the noisiest of \(groups.count) replicate groups, \(test.largestGroup) (\(m) runs, \(df) df; \(bartlett) < 0.05: the groups differ, so the largest is used for every run, conservative; \(extra))"
        case .pooledLargestTooFew:
            return "  Seed noise: aggregate sd \(sig(sd)) pooled over \(groups.count) replicate groups (\(total) runs, \(df) df; \(bartlett) < 0.05: the groups differ, but the noisiest, \(test.largestGroup), has too few runs for intervals, so the pooled estimate is used and may be too small; \(extra))"
        }
    }

    /// Three significant digits.
    static func sig(_ x: Double) -> String { NumberFormat.significant(x, digits: 3, ascii: true) }

    /// SNR per factor and for the aggregate, "N× (noise = x%)".
    static func signalToNoise(_ r: AnalysisResult) -> [String] {
        guard let snr = r.snr else {
            return ["Signal-to-noise: no noise file (pass --noise NOISE.csv with replicate runs)"]
        }
        let rows = snr.factors.map { ("θ\($0.factor ?? 0)", $0) } + [("aggregate", snr.aggregate)]
        let labelWidth = rows.map(\.0.count).max() ?? 0
        let values = rows.map { row in
            let noise = "noise = \(NumberFormat.noiseShare(row.1.noiseShare, ascii: true))"
            return row.1.snr > 0 || row.1.snr.isNaN ? "\(Self.snr(row.1.snr)) (\(noise))" : "0×, no signal above noise (\(noise))"
        }
        let valueWidth = values.map(\.count).max() ?? 0
        var lines = ["Signal-to-noise (\(snr.noiseRuns) replicate runs; 95% interval in brackets):"]
        for (i, row) in rows.enumerated() {
            let interval = row.1.interval.map { "  [\(Self.snr($0.lowerBound)), \(Self.snr($0.upperBound))]" } ?? ""
            lines.append("  " + pad(row.0, labelWidth) + "  " + pad(values[i], valueWidth) + interval)
        }
        return lines
    }

    static func times(_ x: Double) -> String { NumberFormat.ratio(x, ascii: true) }
    /// An SNR or an end of its interval: 0× at or below 0, ">1e6×" from 10⁶ on (``NumberFormat/signalToNoise(_:ascii:)``).
    static func snr(_ x: Double) -> String { NumberFormat.signalToNoise(x, ascii: true) }
    static func percent(_ share: Double) -> String {
        share.isFinite ? NumberFormat.percent(share, digits: 2, ascii: true) : "n/a"
    }
    static func fixed(_ x: Double) -> String { x.isFinite ? NumberFormat.fixed(x, decimals: 3, ascii: true) : "n/a" }
    static func sci(_ x: Double) -> String { NumberFormat.significant(x, digits: 2, ascii: true) }

    // Widths are terminal columns, and text is cut between grapheme clusters (``TerminalText``).
    static func truncate(_ s: String, _ width: Int) -> String { TerminalText.truncate(s, width) }
    static func pad(_ s: String, _ width: Int) -> String { TerminalText.pad(s, width) }
    static func padLeft(_ s: String, _ width: Int) -> String { TerminalText.padLeft(s, width) }
}
