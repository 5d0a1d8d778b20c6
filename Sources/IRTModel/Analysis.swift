import Foundation
import Linalg

/// The whole method of METHOD.md, from an evaluation matrix (and optionally
/// replicate-noise runs) to factor scores, their signal-to-noise and a leaderboard.
///
/// ```swift
/// let sweep = try EvalMatrix(contentsOf: sweepURL)
/// let noise = try EvalMatrix(contentsOf: noiseURL)
/// let result = try Analysis(sweep: sweep, noise: noise).run()
/// print(result.k, result.leaderboard.prefix(10).map(\.runName))
/// ```
public struct Analysis: Sendable {
    /// The sweep (rows = runs).
    public var sweep: EvalMatrix
    /// Replicate runs of one mixture that differ only in seed, if any.
    public var noise: EvalMatrix?
    /// Options.
    public var options: AnalysisOptions

    public init(sweep: EvalMatrix, noise: EvalMatrix? = nil, options: AnalysisOptions = AnalysisOptions()) {
        self.sweep = sweep
        self.noise = noise
        self.options = options
    }

    /// Reads both files and prepares an analysis.
    ///
    /// - Throws: the reader's ``AnalysisError`` naming file, line and column.
    public init(sweepURL: URL, noiseURL: URL?, options: AnalysisOptions = AnalysisOptions()) throws(AnalysisError) {
        let sweep = try EvalMatrix(contentsOf: sweepURL)
        let noise: EvalMatrix? = if let noiseURL { try EvalMatrix(contentsOf: noiseURL) } else { nil }
        self.init(sweep: sweep, noise: noise, options: options)
    }

    /// Runs every step and returns the result.
    ///
    /// - Parameter progress: called with progress events, possibly from several threads.
    /// - Throws: ``AnalysisError`` for bad input (naming file, line, column) or a numerical failure;
    ///   before any p × p step: ``AnalysisError/rowsSkippedForStatus(file:skipped:rows:statuses:required:needed:)``,
    ///   ``AnalysisError/heldOutMetricIsTask(file:column:)``, ``AnalysisError/tooManyTasks(file:tasks:runs:bytes:limit:maximumTasks:)``
    ///   (``AnalysisOptions/memoryLimit``), ``AnalysisError/tooFewTasks(file:tasks:)`` and ``AnalysisError/noiseIsSweep(file:sweep:runs:)``.
    /// - Complexity: Horn `draws · (m² M + m³)` for `m = min(n, p)`, `M = max(n, p)` (`draws · 2p³`
    ///   with Wishart draws, n ≫ p); the EM `n p²` once plus `p² k` per iteration, or `n p k` per
    ///   iteration in data space (2n < p).
    public func run(progress: (@Sendable (AnalysisProgress) -> Void)? = nil) throws(AnalysisError) -> AnalysisResult {
        var warnings: [AnalysisWarning] = []
        let read = try options.reading(sweep)
        let (kept, skipped) = try Self.keptRuns(read, required: options.requiredStatus, needed: 3)
        if let w = Self.skippedWarning(.runsSkipped, skipped, of: sweep.rowCount, what: "row(s)") { warnings.append(w) }
        let prepared = try PreparedSweep(sweep: kept, selection: options.selection, missing: options.missing,
                                         minCoverage: options.minCoverage,
                                         constantTolerance: options.constantTolerance)
        // The kept runs of the file, row for row with the prepared sweep.
        let runs = prepared.keptRows(of: kept)
        warnings.append(contentsOf: Self.selectionWarnings(prepared.selectionReport))
        if let w = OutlyingRuns.warning(prepared) { warnings.append(w) }
        // Refuse now, before any p × p step, what could never succeed or would mislead.
        let heldOut = try Self.heldOutMetrics(options.heldOutMetrics, prepared: prepared, source: runs.source)
        if let w = heldOut.warning { warnings.append(w) }
        try Self.checkTaskCount(prepared.tasks, source: runs.source)
        try ParallelAnalysis.checkDraws(options.draws, tasks: prepared.tasks.count)
        let estimate = MemoryEstimate(tasks: prepared.tasks.count, runs: prepared.z.rows, draws: options.draws,
                                      threads: Swift.min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                                         options.draws),
                                      gaps: prepared.hasGaps)
        let limit = Double(options.memoryLimit ?? MemoryEstimate.defaultLimit)
        if estimate.bytes > limit {
            throw .tooManyTasks(file: runs.source, tasks: estimate.tasks, runs: estimate.runs, bytes: estimate.bytes,
                                limit: limit, maximumTasks: estimate.maximumTasks(within: limit))
        }
        if let w = Self.duplicateRunNamesWarning(prepared.runNames) { warnings.append(w) }
        warnings.append(contentsOf: Self.drawWarnings(nullDraws: options.draws, rankDraws: options.rankDraws))
        let replicates = try noise.map { noise throws(AnalysisError) in
            try Self.replicates(noise, sweep: kept, prepared: prepared, options: options)
        }
        let noise = replicates?.0
        warnings.append(contentsOf: replicates?.1 ?? [])
        if let noise, let column = options.replicateGroupColumn { _ = try Self.replicateGroups(noise, column: column) }
        let p = prepared.tasks.count
        let draws = options.draws
        let horn = try ParallelAnalysis(
            prepared: prepared, draws: draws, seed: options.seed, rule: options.hornRule, threads: options.threads,
            progress: AnalysisProgress.hornDraws(reportingTo: progress, total: draws))
        if horn.masked {
            warnings.append(AnalysisWarning(
                .gapsInHorn,
                "the sweep has \(prepared.selectionReport.missingCells) missing task cell(s): Horn's real eigenvalues come from pairwise-complete correlations, and each null draw is masked the same way"))
        }

        if !prepared.droppedTasks.isEmpty {
            warnings.append(AnalysisWarning(
                .constantTasksDropped,
                "dropped \(prepared.droppedTasks.count) constant task(s): \(AnalysisWarning.list(prepared.droppedTasks))",
                subjects: prepared.droppedTasks))
        }
        let floor = try noise.map { noise throws(AnalysisError) in try NoiseFloor(sweep: prepared, noise: noise) }
            ?? NoiseFloor(unanchored: prepared.tasks)
        let uniquenesses = options.psiModel.uniquenesses(noiseShare: floor.noiseShare, clamp: options.fit.anchorClamp)
        var stageOptions = options
        stageOptions.fit.taskPsiFloors = uniquenesses.floors
        let freeUniquenesses = uniquenesses.anchors.filter { $0 == nil }.count
        let kChoice = try Self.chooseK(options: options.fit, horn: horn, tasks: p, freeUniquenesses: freeUniquenesses)
        warnings.append(contentsOf: Self.factorCountWarnings(kChoice, tasks: p, freeUniquenesses: freeUniquenesses))
        let k = kChoice.k
        if case let .weights(w) = options.aggregate.definition, w.count != k { throw .aggregateWeightsCount(given: w.count, factors: k) }
        if noise != nil, !floor.tasksMissingFromNoise.isEmpty {
            warnings.append(AnalysisWarning(
                .tasksWithoutNoiseAnchor,
                "\(floor.tasksMissingFromNoise.count) task(s) have no noise anchor (free ψ, no ceiling): \(AnalysisWarning.list(floor.tasksMissingFromNoise))",
                subjects: floor.tasksMissingFromNoise))
        }

        // Complete data: S = ZᵀZ/n, the correlation matrix, is all the EM and the
        // fit statistics need. With gaps: the missing-data EM on the runs' observed
        // cells, and fit statistics against the pairwise-complete correlations.
        // With 2n < p the EM runs in data space (METHOD.md §6) and S, singular
        // there (no fit statistics), is never formed.
        let n = prepared.z.rows
        let dataSpace = !prepared.hasGaps && DataSpaceEMMap.isCheaper(runs: n, tasks: p)
        let s: Matrix? = dataSpace ? nil : try Self.correlation(prepared)
        let anchors = uniquenesses.anchors
        let fitModel: FitStage.Fit = { (o: FitOptions, progress: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
            var o = o
            o.factors = o.factors ?? k
            let kk = o.factors ?? k
            if prepared.hasGaps {
                return try FactorModel(z: prepared.z, observed: prepared.observed, k: kk, anchors: anchors, options: o,
                                       progress: progress)
            }
            guard let s else {
                return try FactorModel(z: prepared.z, k: kk, anchors: anchors, options: o, progress: progress)
            }
            return try FactorModel(covariance: s, observations: n, k: kk, anchors: anchors, options: o, progress: progress)
        }
        let stage = try FitStage(
            k: k, s: s, n: n, tasks: prepared.tasks, anchors: anchors, pairwise: prepared.hasGaps, runs: true,
            options: stageOptions, progress: progress, fit: fitModel,
            spread: { model, multiStart throws(AnalysisError) in
                try Self.scoreSpread(model: model, multiStart: multiStart, prepared: prepared,
                                     anchored: anchors.map { $0 != nil })
            })
        if prepared.hasGaps {
            warnings.append(AnalysisWarning(
                .fittedWithGaps,
                "fitted with \(prepared.selectionReport.missingCells) missing task cell(s) by the missing-data EM (maximum likelihood over each run's observed cells, with task means and sds from the observed cells: two-stage); fit statistics compare with the pairwise-complete correlations and are approximate"))
        }
        warnings.append(contentsOf: stage.warnings)
        let model = stage.model
        let d = model.diagnostics
        let modelFit = stage.assessment
        let above = prepared.tasks.indices.filter { j in
            floor.h2Ceiling[j].map { model.communality[j] > $0 } ?? false
        }.map { prepared.tasks[$0] }
        if !above.isEmpty {
            warnings.append(AnalysisWarning(
                .aboveNoiseCeiling,
                "\(above.count) task(s) have h² above their noise ceiling: \(AnalysisWarning.list(above))", subjects: above))
        }

        let provenance = FittedModel.Provenance(
            sweepSource: runs.source, noiseSource: noise?.source, selection: prepared.selectionReport, kChoice: kChoice,
            hornDraws: draws, hornSeed: options.seed, mStep: d.mStep, stopRule: d.stopRule,
            acceleration: d.acceleration, maxIterations: d.maxIterations, initSeed: options.fit.initSeed,
            iterations: d.iterations, converged: d.converged, logLikelihood: d.logLikelihood,
            stopQuantity: d.stopQuantity, identification: d.identification)
        let restsOnFloor = options.psiModel.restsOnNoiseFloor(psi: model.psi, noiseShare: floor.noiseShare,
                                                             clamp: options.fit.anchorClamp)
        var fitted = try FittedModel(prepared: prepared, fit: model, anchored: restsOnFloor, provenance: provenance)
        let aggregate = try Self.aggregate(options.aggregate, fitted: fitted, noiseShare: floor.noiseShare)
        fitted = aggregate.model
        warnings.append(contentsOf: aggregate.warnings)
        let theta = try numerical { () throws(LinalgError) in try Matrix(rows: fitted.sweep.theta) }
        let snr: SignalToNoiseSummary?
        if let noise {
            snr = try SignalToNoiseSummary(prepared: prepared, noise: noise, model: fitted, sweepScores: theta)
            warnings.append(contentsOf: snr?.caveats ?? [])
        } else {
            snr = nil
        }
        let (seedNoise, seedWarnings) = try Self.seedNoise(noise, model: fitted, groupColumn: options.replicateGroupColumn,
                                                          anchorClamp: options.fit.anchorClamp)
        warnings.append(contentsOf: seedWarnings)
        fitted.seedNoise = seedNoise
        let validation = try Validation(sweep: runs, metrics: heldOut.metrics, scores: theta)
        let (bootstrap, bootstrapNote) = Self.bootstrap(prepared: prepared, model: model, anchors: anchors,
                                                        fitted: fitted, options: stageOptions)
        let aggregateNoise = fitted.sweepNoise.adding(modelDeviations: bootstrap?.deviations)
        let ranks = RankIntervals(noise: aggregateNoise, draws: options.rankDraws, seed: options.seed,
                                  threads: options.threads)
        let comparison = PairwiseComparison(noise: aggregateNoise, top: 20, draws: options.rankDraws, seed: options.seed,
                                            threads: options.threads)
        let uncertainty = ScoreUncertainty(noise: aggregateNoise, seedNoise: seedNoise,
                                           runNames: fitted.sweep.runNames, comparison: comparison,
                                           bootstrap: bootstrap, bootstrapNote: bootstrapNote,
                                           aggregate: fitted.aggregateDefinition)
        let leaderboard = Leaderboard(sweep: runs, model: fitted, ranks: ranks,
                                      heldOutMetrics: validation.metrics, extraColumns: options.leaderboardColumns,
                                      modelSDs: bootstrap?.aggregateSD)

        var result = AnalysisResult(
            source: runs.source, noiseSource: noise?.source, skippedRuns: skipped, prepared: prepared, horn: horn,
            kChoice: kChoice, model: model, fitted: fitted, floor: floor, snr: snr, validation: validation,
            leaderboard: leaderboard, warnings: warnings, rankDraws: options.rankDraws, fit: modelFit,
            uncertainty: uncertainty)
        result.psiModel = options.psiModel
        result.tasksAtNoiseFloor = restsOnFloor.filter { $0 }.count
        result.aggregateWeights = aggregate.weights
        result.aggregateDefinition = aggregate.summary
        return result
    }

    /// With weakly identified loadings, how much the runs' aggregate scores
    /// move between the reported fit and the other starts that reached its ℓ
    /// (``ScoreSpread``); `nil` when pinned or when no other start reached it.
    ///
    /// - Complexity: one scoring of the sweep per such start, O(n p k) each.
    static func scoreSpread(model: FactorModel, multiStart: MultiStartFit, prepared: PreparedSweep,
                            anchored: [Bool]) throws(AnalysisError) -> ScoreSpread? {
        guard model.diagnostics.identification?.isWeak == true, !multiStart.sameOptimumFits.isEmpty else { return nil }
        var aggregates: [[Double]] = []
        for fit in [model] + multiStart.sameOptimumFits {
            let scored = try FittedModel(prepared: prepared, fit: fit, anchored: anchored, selection: .reference,
                                         source: "")
            aggregates.append(scored.sweep.aggregate)
        }
        return ScoreSpread(aggregates: aggregates, runNames: prepared.runNames)
    }

    /// The task correlation matrix: `ZᵀZ/n` of complete z-scores, pairwise-complete with gaps.
    static func correlation(_ prepared: PreparedSweep) throws(AnalysisError) -> Matrix {
        if prepared.hasGaps {
            return try numerical { () throws(LinalgError) in
                try MaskedNullDraw.pairwiseCorrelation(prepared.z, observed: prepared.observed)
            }
        }
        return BLASThreading.withThreadCount(1) { prepared.z.gram(alpha: 1 / Double(prepared.z.rows)) }
    }

    /// The fewest tasks a factor model is fitted to: with p < 3 a one-factor model
    /// has negative degrees of freedom (p = 2 and p = 1: df = −1), so there is nothing to fit or test.
    public static let minimumTasks = 3

    /// Refuses fewer than ``minimumTasks`` tasks, naming them and `source`.
    static func checkTaskCount(_ tasks: [String], source: String) throws(AnalysisError) {
        if tasks.count < minimumTasks { throw .tooFewTasks(file: source, tasks: tasks) }
    }

    /// k from the options and Horn's counts (METHOD.md §4).
    /// Starting loadings with more columns than the bound are refused
    /// (``AnalysisError/invalidInitialLoadings(reason:)``), not capped: they fix k.
    /// k is capped at Ledermann's bound (the largest k with df ≥ 0, counting free ψ only).
    static func chooseK(options: FitOptions, horn: ParallelAnalysis, tasks p: Int,
                        freeUniquenesses: Int) throws(AnalysisError) -> FactorCountChoice {
        let bound = FactorCountChoice.ledermannBound(p: p, freeUniquenesses: freeUniquenesses)
        func capped(_ rule: FactorCountChoice.Rule, _ k: Int) -> FactorCountChoice {
            FactorCountChoice(rule: rule, k: Swift.min(k, bound), k95: horn.k95, kMean: horn.kMean,
                              capped: k > bound ? k : nil)
        }
        if let fixed = options.factors {
            guard fixed >= 1, fixed <= p else { throw .tooManyFactors(requested: fixed, tasks: p) }
            // Explicit starting loadings fix k: beyond the bound they are refused, not cut.
            if options.initialLoadings?.first?.count == fixed {
                guard fixed <= bound else {
                    throw .invalidInitialLoadings(reason: "have \(fixed) columns, but with p = \(p) tasks and \(freeUniquenesses) free uniqueness(es) at most \(bound) factor(s) can be fitted (Ledermann's bound: more factors than that have more parameters than the correlation matrix has entries, negative degrees of freedom); give a Λ0 of at most \(bound) column(s)")
                }
                return FactorCountChoice(rule: .initialLoadings, k: fixed, k95: horn.k95, kMean: horn.kMean)
            }
            return capped(.fixed, fixed)
        }
        if horn.k95 == 0 { return FactorCountChoice(rule: .hornZeroFallback, k: 1, k95: 0, kMean: horn.kMean) }
        return capped(.horn, horn.k95)
    }

    /// Keeps rows whose status equals `required` (ignoring case and surrounding
    /// spaces) when the file has a `status` column; lists the others
    /// (``EvalMatrix/filteringStatus(_:column:)``). `nil` keeps every row.
    public static func filterStatus(_ sweep: EvalMatrix, required: String?) -> (EvalMatrix, [SkippedRun]) {
        guard let required else { return (sweep, []) }
        return sweep.filteringStatus(required)
    }
}
