import Foundation
import IRTModel
import Linalg

/// The mixture step: from scores and mixture weights to surrogates, effects and proposals.
public enum MixtureStudy {
    /// The fewest runs with both a mixture and scores the step accepts.
    public static let minimumMatchedRuns = 20
    /// The out-of-fold R² below which a score is flagged not predictable.
    public static let predictableR2 = 0.3

    /// Joins `table` to the sweep's runs by name, fits and cross-validates the surrogates for
    /// every score, estimates effects and proposes mixtures.
    ///
    /// Both surrogate families (ridge on the weights, a Gaussian process) are validated by the
    /// same nested, shuffled, seeded k-fold cross-validation and by the same procedure on
    /// shuffled rows (the permutation baseline); the family with the better out-of-fold R² is
    /// chosen per score. A score whose chosen out-of-fold R² is below ``predictableR2`` or not
    /// above its permutation baseline is flagged not predictable; when the objective is, nothing
    /// is proposed.
    ///
    /// - Parameters:
    ///   - table: the validated mixture file.
    ///   - runNames: the sweep's run names, aligned with every `scores[i].values`.
    ///   - scores: the scores to explain (the aggregate, the factors `theta_J`, the balanced aggregate).
    ///   - options: folds, seed, proposals, trust region, objective, reference run, bootstrap.
    /// - Throws: ``MixtureError/tooFewMatchedRuns(file:matched:needed:)`` below
    ///   ``minimumMatchedRuns`` matches, ``MixtureError/unknownReferenceRun(_:)``,
    ///   ``MixtureError/invalidObjective(_:)`` when no score is the objective,
    ///   ``MixtureError/invalidOption(_:)`` for options outside their domain or scores of
    ///   another length than `runNames`.
    /// - Complexity: for n runs, p columns and s scores: O(folds² · (n p² + p³)) for ridge,
    ///   ≈ 40 · (2 · folds + 1) · s Choleskys of order n for the GP, and
    ///   O((candidates + proposals · draws) · iterations · n p) for the proposals.
    public static func run(table: MixtureTable, runNames: [String], scores: [MixtureScore],
                           options: MixtureOptions) throws(MixtureError) -> MixtureAnalysis {
        try validate(options)
        guard !scores.isEmpty else { throw .invalidOption("the mixture step needs at least one score") }
        for score in scores where score.values.count != runNames.count {
            throw .invalidOption("score \"\(score.name)\" has \(score.values.count) values for \(runNames.count) runs")
        }
        let objectiveName = options.objective.scoreName
        guard let objective = scores.firstIndex(where: { $0.name == objectiveName }) else {
            throw .invalidObjective(objectiveName)
        }

        // The join: the sweep's order, runs with a mixture and every score finite.
        var mixtureRow: [String: Int] = [:]
        for (i, name) in table.runNames.enumerated() { mixtureRow[name] = i }
        let sweepNames = Set(runNames)
        var matched: [(sweep: Int, mixture: Int)] = []
        var runsWithoutMixture: [String] = []
        var unscored: [String] = []
        var seen = Set<String>()
        for (r, name) in runNames.enumerated() where seen.insert(name).inserted {
            guard let m = mixtureRow[name] else { runsWithoutMixture.append(name); continue }
            if scores.allSatisfy({ $0.values[r].isFinite }) { matched.append((r, m)) } else { unscored.append(name) }
        }
        let mixturesWithoutRun = table.runNames.filter { !sweepNames.contains($0) }
        let n = matched.count
        guard n >= minimumMatchedRuns else {
            throw .tooFewMatchedRuns(file: table.source, matched: n, needed: minimumMatchedRuns)
        }
        guard options.folds <= n else {
            throw .invalidOption("--mixture-folds \(options.folds) is more than the \(n) matched runs")
        }
        let names = matched.map { runNames[$0.sweep] }
        let x = table.weights.selectingRows(matched.map(\.mixture))
        let ys = scores.map { score in matched.map { score.values[$0.sweep] } }
        let columnIndex = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1, $0) })
        let geometry = MixtureGeometry(phases: table.phases.map { $0.columns.compactMap { columnIndex[$0] } })

        // The reference run.
        let reference: Int
        let referenceReason: String
        if let given = options.referenceRun {
            guard let r = names.firstIndex(of: given) else { throw .unknownReferenceRun(given) }
            reference = r
            referenceReason = "given"
        } else {
            let by = scores.firstIndex { $0.name == "aggregate" } ?? objective
            reference = ys[by].indices.max { ys[by][$0] < ys[by][$1] }!
            referenceReason = "the best matched run by \(scores[by].name)"
        }

        do throws(LinalgError) {
            return try BLASThreading.withThreadCount(1) { () throws(LinalgError) -> MixtureAnalysis in try analyze(table: table, names: names, x: x, ys: ys, scores: scores, objective: objective,
                               reference: reference, referenceReason: referenceReason, geometry: geometry,
                               unmatched: .init(runsWithoutMixture: runsWithoutMixture, mixturesWithoutRun: mixturesWithoutRun),
                               unscored: unscored, options: options) }
        } catch {
            throw .input(.numerical(error))
        }
    }

    static func validate(_ options: MixtureOptions) throws(MixtureError) {
        guard options.folds >= 2 else { throw .invalidOption("--mixture-folds must be at least 2, got \(options.folds)") }
        guard options.proposals >= 0 else { throw .invalidOption("--proposals must be at least 0, got \(options.proposals)") }
        guard options.maxTV > 0, options.maxTV <= 1 else {
            throw .invalidOption("--max-tv must be in (0, 1], got \(options.maxTV)")
        }
        guard options.bootstrap >= 2 else { throw .invalidOption("--mixture-bootstrap must be at least 2, got \(options.bootstrap)") }
        guard options.thompsonDraws >= 2 else {
            throw .invalidOption("the Thompson draws must be at least 2 (a proposal's interval needs a spread), got \(options.thompsonDraws)")
        }
        guard options.permutations >= 1 else {
            throw .invalidOption("the permutations must be at least 1, got \(options.permutations)")
        }
    }

    /// Everything after the join, on the matched runs.
    static func analyze(table: MixtureTable, names: [String], x: Matrix, ys: [[Double]], scores: [MixtureScore],
                        objective: Int, reference: Int, referenceReason: String, geometry: MixtureGeometry,
                        unmatched: MixtureAnalysis.Unmatched, unscored: [String],
                        options: MixtureOptions) throws(LinalgError) -> MixtureAnalysis {
        let n = x.rows, p = x.columns
        let distances = GaussianProcess.squaredDistances(x)
        let scale = GaussianProcess.medianSquaredDistance(distances, n: n).squareRoot()
        let threads = ParallelMap.workers(options.threads)

        // Validation: nested CV of both families, then the same on permuted scores.
        var foldRNG = Xoshiro256StarStar.mixtureStream(options.seed, .folds)
        let outer = shuffledFolds(count: n, folds: options.folds, rng: &foldRNG)
        let oof = try CrossValidation.outOfFold(x: x, distances: distances, ys: ys, outer: outer,
                                                innerFolds: options.folds, seed: options.seed, scale: scale,
                                                threads: threads)
        var permutationR2 = (ridge: [Double](repeating: 0, count: ys.count), gp: [Double](repeating: 0, count: ys.count))
        for k in 0..<options.permutations {
            var rng = Xoshiro256StarStar.mixtureStream(options.seed, .permutation, k)
            let permutation = rng.permutation(n)
            let shuffled = ys.map { y in permutation.map { y[$0] } }
            let null = try CrossValidation.outOfFold(x: x, distances: distances, ys: shuffled, outer: outer,
                                                     innerFolds: options.folds, seed: options.seed, scale: scale,
                                                     threads: threads)
            for s in ys.indices {
                permutationR2.ridge[s] += ValidationMetrics(y: shuffled[s], predicted: null.ridge[s]).r2 / Double(options.permutations)
                permutationR2.gp[s] += ValidationMetrics(y: shuffled[s], predicted: null.gp[s]).r2 / Double(options.permutations)
            }
        }

        // The full-data fits.
        var innerRNG = Xoshiro256StarStar.mixtureStream(options.seed, .innerFolds, outer.count)
        let inner = shuffledFolds(count: n, folds: options.folds, rng: &innerRNG)
        let decomposition = try RidgeDecomposition(x: x)
        let penalties = try Ridge.innerCVPenalties(x: x, ys: ys, folds: inner, grid: Ridge.grid(scale: decomposition.scale))
        let ridgeFits = ys.indices.map { decomposition.fit(ys[$0], lambda: penalties[$0]) }
        let gpFits = ParallelMap.map(ys.count, threads: threads) { s in
            GaussianProcess.fit(x: x, distances: distances, rows: Array(0..<n), y: ys[s], scale: scale)
        }

        var surrogates: [MixtureAnalysis.Surrogate] = []
        var choices: [SurrogateChoice] = []
        var notPredictable: [String] = []
        for (s, score) in scores.enumerated() {
            let ridge = ValidationMetrics(y: ys[s], predicted: oof.ridge[s])
            let gp = ValidationMetrics(y: ys[s], predicted: oof.gp[s])
            let gpChosen = gp.r2 > ridge.r2
            let ceiling = score.noiseShare.map { 1 - $0 }
            surrogates.append(.init(family: "ridge", score: score.name, oofR2: ridge.r2, oofSpearman: ridge.spearman,
                                    oofRMSE: ridge.rmse, permutationR2: permutationR2.ridge[s], ceilingR2: ceiling,
                                    chosen: !gpChosen, effectiveDF: ridgeFits[s].effectiveDF))
            surrogates.append(.init(family: "gp", score: score.name, oofR2: gp.r2, oofSpearman: gp.spearman,
                                    oofRMSE: gp.rmse, permutationR2: permutationR2.gp[s], ceilingR2: ceiling,
                                    chosen: gpChosen))
            choices.append(gpChosen ? .gp(lengthScale: gpFits[s].lengthScale, noiseRatio: gpFits[s].noiseRatio)
                                    : .ridge(lambda: ridgeFits[s].lambda))
            let r2 = gpChosen ? gp.r2 : ridge.r2
            let baseline = gpChosen ? permutationR2.gp[s] : permutationR2.ridge[s]
            if r2 < predictableR2 || r2 <= baseline { notPredictable.append(score.name) }
        }

        // Effects.
        let intervals = try Effects.ridgeIntervals(x: x, ys: ys, fits: ridgeFits, resamples: options.bootstrap,
                                                   seed: options.seed)
        var effects: [MixtureAnalysis.Effect] = []
        for (s, score) in scores.enumerated() {
            for (j, column) in table.columns.enumerated() {
                let (estimate, lower, upper) = intervals[s][j]
                effects.append(.init(score: score.name, column: column, estimate: estimate, lower: lower, upper: upper))
            }
        }
        let gpSet = SurrogateSet(x: x, rows: Array(0..<n), members: gpFits.map {
            .gp(alpha: $0.alpha, lengthScale: $0.lengthScale, mean: $0.mean)
        })
        let partial = Effects.partialEffects(gpSet, x: x, geometry: geometry)
        var partialEffects: [MixtureAnalysis.PartialEffect] = []
        for (s, score) in scores.enumerated() {
            for (j, column) in table.columns.enumerated() {
                partialEffects.append(.init(score: score.name, column: column, estimate: partial[s][j]))
            }
        }

        // Proposals.
        var notes: [String] = []
        if !table.droppedConstantColumns.isEmpty {
            notes.append("Dropped \(table.droppedConstantColumns.count) constant weight column(s) (the same weight in every run, nothing to learn from): \(list(table.droppedConstantColumns)); proposals keep their constant weight.")
        }
        if !unmatched.runsWithoutMixture.isEmpty {
            notes.append("\(unmatched.runsWithoutMixture.count) run(s) of the sweep have no mixture row and are left out: \(list(unmatched.runsWithoutMixture)).")
        }
        if !unmatched.mixturesWithoutRun.isEmpty {
            notes.append("\(unmatched.mixturesWithoutRun.count) mixture row(s) name no run of the sweep and are left out: \(list(unmatched.mixturesWithoutRun)).")
        }
        if !unscored.isEmpty {
            notes.append("\(unscored.count) run(s) with a mixture have a score that is not a number and are left out: \(list(unscored)).")
        }
        if p >= n {
            let dfs = scores.indices.map { "\(scores[$0].name) \(format(ridgeFits[$0].effectiveDF))" }.joined(separator: ", ")
            notes.append("More weight columns (\(p)) than matched runs (\(n)): ridge's penalty keeps its effective degrees of freedom at \(dfs), and the GP is fitted to the \(n) runs.")
        }
        notes.append("Ridge coefficients of a phase sum to 0 (the phase's weights sum to 1): each is the effect of 1 unit of weight on that domain relative to the phase's average domain; 95% intervals from \(options.bootstrap) bootstrap resamples of the runs with the full-data penalty.")
        for name in notPredictable {
            let s = scores.firstIndex { $0.name == name }!
            let best = surrogates.filter { $0.score == name && $0.chosen }.first!
            notes.append("\(scores[s].name) is not predictable from the mixture — do not optimize it (out-of-fold R² \(format(best.oofR2)), permutation baseline \(format(best.permutationR2))).")
        }
        // Guardrail (a) holds the factors the mixture predicts; a flagged factor's surrogate is
        // no better than shuffled weights, and a floor on it would steer the proposals by noise.
        let constrained = scores.indices.filter { scores[$0].name.hasPrefix("theta_") && !notPredictable.contains(scores[$0].name) }
        let exempt = scores.filter { $0.name.hasPrefix("theta_") && notPredictable.contains($0.name) }.map(\.name)
        var proposed: [ProposedMixture] = []
        var referencePredicted: [String: Double]? = nil
        if notPredictable.contains(scores[objective].name) {
            notes.append("No mixture is proposed: the objective \(scores[objective].name) is not predictable from the mixture.")
        } else if options.proposals > 0 {
            let scales = ys.map { y -> Double in
                let m = y.reduce(0, +) / Double(n)
                let sd = (y.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(n - 1, 1))).squareRoot()
                return sd > 0 ? sd : 1
            }
            let full = SurrogateSet(x: x, rows: Array(0..<n), members: scores.indices.map { s in
                switch choices[s] {
                case .ridge: .ridge(ridgeFits[s])
                case .gp: .gp(alpha: gpFits[s].alpha, lengthScale: gpFits[s].lengthScale, mean: gpFits[s].mean)
                }
            })
            let atReference = full.predict(x.row(reference))
            referencePredicted = Dictionary(uniqueKeysWithValues: scores.indices.map { (scores[$0].name, atReference[$0]) })
            proposed = try Proposals.propose(.init(x: x, distances: distances, ys: ys, choices: choices, full: full,
                                                   objective: objective, constrained: constrained, reference: reference,
                                                   scales: scales, geometry: geometry, lengthScaleUnit: scale,
                                                   threads: threads), options: options)
            notes.append("Reference run \(names[reference]) (\(referenceReason)): no factor's surrogate may predict a proposal below its prediction for this run"
                         + (exempt.isEmpty ? "." : ", except \(exempt.joined(separator: ", ")), not predictable from the mixture (a floor on its surrogate would steer the proposals by noise)."))
            notes.append("Each proposal averages the argmaxes of \(options.thompsonDraws) bootstrap refits of the surrogates (runs resampled, hyperparameters kept), each within total variation \(format(options.maxTV)) of an observed run; its 95% intervals are bias-corrected bootstrap intervals over those refits, widened to cover both the surrogates' shrinkage and the bias of picking a maximum (the surrogates' uncertainty, not seed noise): on synthetic sweeps they covered the true aggregate of 152 of 162 proposals (94%), and 9 of the 10 misses were proposals better than their interval.")
            if proposed.count < options.proposals {
                notes.append("Only \(proposed.count) of the \(options.proposals) proposals asked for: the other candidates lie within total variation \(format(options.maxTV / 2)) of a proposal already made.")
            }
            for (k, proposal) in proposed.enumerated() {
                if proposal.tvToNearest >= 0.98 * options.maxTV {
                    notes.append("Proposal \(k + 1) sits at the edge of the trust region (total variation \(format(proposal.tvToNearest)) from \(names[proposal.nearestRun])): the surrogates would move further, but beyond the observed mixtures their predictions are extrapolations.")
                }
                if proposal.pulledBack {
                    notes.append("Proposal \(k + 1) was moved back toward \(names[proposal.anchorRun]) so that no factor is predicted below the reference run.")
                }
            }
        }

        let proposals = proposed.map { proposal in
            MixtureAnalysis.Proposal(
                weights: Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1, max(0, proposal.weights[$0])) }),
                predicted: Dictionary(uniqueKeysWithValues: scores.enumerated().map { s, score in
                    (score.name, MixtureAnalysis.Interval(estimate: proposal.predicted[s].estimate,
                                                          lower: proposal.predicted[s].lower,
                                                          upper: proposal.predicted[s].upper))
                }),
                nearestRun: names[proposal.nearestRun], tvToNearest: proposal.tvToNearest,
                referenceRun: names[reference], rankAmongObserved: proposal.rankAmongObserved)
        }
        return MixtureAnalysis(source: table.source, matchedRuns: n, unmatched: unmatched, phases: table.phases,
                               droppedConstantColumns: table.droppedConstantColumns, objective: scores[objective].name,
                               surrogates: surrogates, effects: effects, partialEffects: partialEffects,
                               proposals: proposals, notPredictable: notPredictable, notes: notes,
                               referenceRun: names[reference], referencePredicted: referencePredicted)
    }

    /// The first five names, then "… (N in all)".
    static func list(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + ", … (\(names.count) in all)"
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
