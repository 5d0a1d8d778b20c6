import Foundation

/// The uncertainty of the scores (METHOD.md §7a): seed noise measured on the
/// replicate runs in score space when they allow it, else the model's
/// posterior — said with a warning.
extension Analysis {
    /// The seed noise of `model`'s scores from the replicate runs `noise`, with
    /// the warnings that say how it was measured, or the `uncertainty_model_based`
    /// warning saying why there is none.
    ///
    /// With `groupColumn`, the replicates are seeds of several mixtures, one
    /// per label of that column: the seed noise is estimated per group, pooled
    /// and the groups compared (``SeedNoise/init(theta:posteriors:groups:)``);
    /// the `seed_noise_grouped` warning says so (with two groups or more) and
    /// `seed_noise_unequal` when Bartlett's p < 0.05.
    ///
    /// - Parameters:
    ///   - noise: the replicate runs as the analysis keeps them; `nil` for none.
    ///   - model: the fitted model that scores them.
    ///   - groupColumn: the noise file's replicate-group column; `nil`: one mixture.
    ///   - anchorClamp: the fit's range for anchored uniquenesses.
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` when the noise file
    ///   has no `groupColumn`; ``AnalysisError/missingReplicateGroup(file:line:run:column:)``
    ///   for an empty label; ``AnalysisError/replicateGroupTooSmall(file:column:group:runs:)``
    ///   for a group with fewer than 2 runs the model can score.
    /// The replicates are scored with leave-one-out weights
    /// (``SeedNoise/leaveOneOutDeviations(z:model:groups:anchorClamp:)``): the
    /// anchors come from the same replicates, and in-sample weights would
    /// understate the noise of a new seed.
    ///
    /// - Complexity: one scoring of the replicates and m leave-one-out
    ///   posteriors, O(m p k² + m k³).
    static func seedNoise(_ noise: EvalMatrix?, model: FittedModel, groupColumn: String? = nil,
                          anchorClamp: ClosedRange<Double> = 1e-3...0.999) throws(AnalysisError) -> (SeedNoise?, [AnalysisWarning]) {
        guard let noise else { return (nil, [modelBasedWarning("there are no replicate runs")]) }
        let labels = try groupColumn.map { column throws(AnalysisError) in try replicateGroups(noise, column: column) }
        let scores: RunScores
        do {
            scores = try model.score(noise)
        } catch {
            return (nil, [modelBasedWarning("the replicate runs of \(noise.source) cannot be scored with the model (\(error))")])
        }
        let m = scores.theta.rows
        // The scored runs' rows of the noise file (a run with no task of the model is not scored).
        var rowOfLine: [Int: Int] = [:]
        for (row, line) in noise.lines.enumerated() where rowOfLine[line] == nil { rowOfLine[line] = row }
        let scoredRows = scores.lines.map { rowOfLine[$0]! }
        let z = try model.standardized(noise)
        let deviations = try SeedNoise.leaveOneOutDeviations(
            z: scoredRows.map { z[$0] }, model: model, groups: labels.map { l in scoredRows.map { l[$0] } },
            anchorClamp: anchorClamp)
        let posteriors = (0..<m).map { scores.covariance(ofRun: $0).rowArrays }
        guard let labels, let groupColumn else {
            guard m >= SeedNoise.minimumReplicates,
                  let seed = SeedNoise(deviations: deviations, posteriors: posteriors) else {
                return (nil, [modelBasedWarning("\(noise.source) has \(m) replicate run(s) the model can score; an estimate of the seed noise needs at least \(SeedNoise.minimumReplicates) (with 2, one degree of freedom, its variance has no finite mean)")])
            }
            return (seed, [])
        }
        let scored = scoredRows.map { labels[$0] }
        var order: [String] = []
        var counts: [String: Int] = [:]
        for label in labels where counts[label] == nil { order.append(label); counts[label] = 0 }
        for label in scored { counts[label]! += 1 }
        if let small = order.first(where: { counts[$0]! < 2 }) {
            throw .replicateGroupTooSmall(file: noise.source, column: groupColumn, group: small, runs: counts[small]!)
        }
        guard let seed = SeedNoise(deviations: deviations, posteriors: posteriors, groups: scored,
                                   aggregate: model.aggregateDefinition),
              seed.degreesOfFreedom >= SeedNoise.minimumReplicates - 1 else {
            return (nil, [modelBasedWarning("the \(m) replicate run(s) of \(noise.source) the model can score form \(order.count) group(s) by column \"\(groupColumn)\", which leave \(m - order.count) degree(s) of freedom within the groups; an estimate of the seed noise needs at least \(SeedNoise.minimumReplicates - 1) (e.g. \(SeedNoise.minimumReplicates) seeds of one mixture)")])
        }
        return (seed, groupWarnings(seed, source: noise.source, column: groupColumn))
    }

    /// Each row's label in the replicate-group `column` of `noise`, trimmed.
    ///
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` without the column;
    ///   ``AnalysisError/missingReplicateGroup(file:line:run:column:)`` for the first empty cell.
    static func replicateGroups(_ noise: EvalMatrix, column: String) throws(AnalysisError) -> [String] {
        guard let cells = noise.strings(column) else { throw .missingColumn(file: noise.source, column: column) }
        let labels = cells.map { $0.trimmingCharacters(in: .whitespaces) }
        if let row = labels.firstIndex(where: \.isEmpty) {
            throw .missingReplicateGroup(file: noise.source, line: noise.lines[row], run: noise.runNames[row], column: column)
        }
        return labels
    }

    /// The `seed_noise_grouped` warning (two groups or more) and, when the
    /// groups differ, `seed_noise_unequal`.
    static func groupWarnings(_ seed: SeedNoise, source: String, column: String) -> [AnalysisWarning] {
        guard let groups = seed.groups, groups.count >= 2, let test = seed.groupTest else { return [] }
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        let runs = groups.reduce(0) { $0 + $1.runs }
        let nu = runs - groups.count
        let bartlett = "Bartlett's test of their aggregate variances: T = \(g(test.statistic)), \(test.degreesOfFreedom) df, p = \(g(test.p))"
        let decision = test.rule == .pooled
            ? "no difference at the 5% level, so the estimates are pooled (\(nu) df)"
            : "they differ (seed_noise_unequal)"
        let listed = AnalysisWarning.list(groups.map { "\($0.name) (\($0.runs) runs, sd \(g($0.aggregateSD)))" }, limit: 8)
        var warnings = [AnalysisWarning(
            .seedNoiseGrouped,
            "the \(runs) replicate runs of \(source) are seeds of \(groups.count) mixtures by column \"\(column)\" (\(listed)): the seed noise is measured within each (deviations from its own mean); \(bartlett) — \(decision); the noise floor and the signal-to-noise still take all replicate rows as seeds of one mixture, so the differences between the mixtures count as noise there",
            subjects: groups.map(\.name))]
        guard test.rule != .pooled,
              let high = groups.first(where: { $0.name == test.largestGroup }),
              let low = groups.first(where: { $0.name == test.smallestGroup }) else { return warnings }
        let differ = "the replicate groups' aggregate seed noise differs (\(bartlett) < \(g(SeedNoise.GroupTest.level))): sd \(g(high.aggregateSD)) in \"\(high.name)\" (the largest) against \(g(low.aggregateSD)) in \"\(low.name)\" (the smallest), so the same seed noise for every run does not hold"
        if test.rule == .largestGroup {
            warnings.append(AnalysisWarning(
                .seedNoiseUnequal,
                "\(differ); the largest, \"\(high.name)\"'s (\(high.runs) runs, \(high.runs - 1) df), is used for every run (conservative: runs of quieter mixtures get wider intervals than their own)",
                subjects: [high.name, low.name]))
        } else {
            warnings.append(AnalysisWarning(
                .seedNoiseUnequal,
                "\(differ); the largest, \"\(high.name)\", has only \(high.runs) runs (\(high.runs - 1) df, too few for intervals), so the pooled estimate (\(nu) df) is used and may understate the seed noise of mixtures like \"\(high.name)\"; with at least \(SeedNoise.minimumReplicates) seeds of it, its own estimate would be used",
                subjects: [high.name, low.name]))
        }
        return warnings
    }

    /// The `uncertainty_model_based` warning, `why` first.
    public static func modelBasedWarning(_ why: String) -> AnalysisWarning {
        AnalysisWarning(
            .uncertaintyModelBased,
            "\(why): the ± sd, rank intervals, p_best and p_better are model-based — the factor model's posterior given the fitted loadings, which takes each task's noise as independent — and not checked against seed noise; seed noise is shared across tasks, so they can be several times too narrow",
            remedies: [.addReplicates(SeedNoise.minimumReplicates)])
    }

    /// The bootstrap of the fit over runs (``ModelBootstrap``), or why there is none.
    static func bootstrap(prepared: PreparedSweep, model: FactorModel, anchors: [Double?], fitted: FittedModel,
                          options: AnalysisOptions) -> (ModelBootstrap?, String?) {
        guard options.bootstrap > 0 else {
            return (nil, ScoreUncertainty.notRequested)
        }
        guard !prepared.hasGaps else { return (nil, "not measured (the sweep has gaps: the bootstrap refits complete data only)") }
        guard !DataSpaceEMMap.isCheaper(runs: prepared.z.rows, tasks: prepared.tasks.count) else {
            return (nil, "not measured (fewer than half as many runs as tasks: the bootstrap refits need the task correlation matrix)")
        }
        var fit = options.fit
        fit.mStep = model.diagnostics.mStep
        guard let b = ModelBootstrap(z: prepared.z, model: model, anchors: anchors, options: fit,
                                     aggregates: fitted.sweep.aggregate, aggregate: fitted.aggregateDefinition,
                                     refits: options.bootstrap,
                                     seed: options.seed, threads: options.threads) else {
            return (nil, "not measured (fewer than 2 of \(options.bootstrap) refits succeeded)")
        }
        return (b, b.failed > 0 ? "\(b.failed) of \(b.requested) refits failed and were left out" : nil)
    }
}
