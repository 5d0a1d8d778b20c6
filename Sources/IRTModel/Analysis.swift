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
    ///   (``AnalysisOptions/memoryLimit``) and ``AnalysisError/noiseIsSweep(file:sweep:runs:)``.
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
        // Refuse now, before any p × p step, what could never succeed or would mislead.
        let heldOut = try Self.heldOutMetrics(options.heldOutMetrics, prepared: prepared, source: runs.source)
        if let w = heldOut.warning { warnings.append(w) }
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
        let replicates = try noise.map { noise throws(AnalysisError) in
            try Self.replicates(noise, sweep: kept, prepared: prepared, options: options)
        }
        let noise = replicates?.0
        warnings.append(contentsOf: replicates?.1 ?? [])
        let p = prepared.tasks.count
        let draws = options.draws
        var hornProgress: (@Sendable (Int) -> Void)? = nil
        if let progress { hornProgress = { done in progress(.hornDraws(done: done, total: draws)) } }
        let horn = try ParallelAnalysis(
            prepared: prepared, draws: draws, seed: options.seed, rule: options.hornRule, threads: options.threads,
            progress: hornProgress)
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
        let freeUniquenesses = floor.noiseShare.filter { $0 == nil }.count
        let kChoice = try Self.chooseK(options: options.fit, horn: horn, tasks: p, freeUniquenesses: freeUniquenesses)
        if kChoice.rule == .hornZeroFallback {
            warnings.append(AnalysisWarning(.noFactorAboveNoise, "no factor stands above noise (k95 = 0); fitting k = 1"))
        }
        if let asked = kChoice.capped {
            warnings.append(AnalysisWarning(
                .factorsCapped,
                "\(asked) factors were asked for (\(kChoice.rule == .horn ? "Horn's k95" : "by you")), but with p = \(p) tasks and \(freeUniquenesses) free uniqueness(es) a \(asked)-factor model has more parameters than the correlation matrix has entries (negative degrees of freedom); fitting k = \(kChoice.k), Ledermann's bound"))
        }
        let k = kChoice.k
        if noise != nil, !floor.tasksMissingFromNoise.isEmpty {
            warnings.append(AnalysisWarning(
                .tasksWithoutNoiseAnchor,
                "\(floor.tasksMissingFromNoise.count) task(s) have no noise anchor (free ψ, no ceiling): \(AnalysisWarning.list(floor.tasksMissingFromNoise))",
                subjects: floor.tasksMissingFromNoise))
        }

        var emProgress: (@Sendable (Int, Double) -> Void)? = nil
        if let progress { emProgress = { iterations, step in progress(.emIterations(iterations, step: step)) } }
        // Complete data: S = ZᵀZ/n, the correlation matrix, is all the EM and the
        // fit statistics need. With gaps: the missing-data EM on the runs' observed
        // cells, and fit statistics against the pairwise-complete correlations.
        // With 2n < p the EM runs in data space (METHOD.md §6) and S, singular
        // there (no fit statistics), is never formed.
        let n = prepared.z.rows
        let dataSpace = !prepared.hasGaps && DataSpaceEMMap.isCheaper(runs: n, tasks: p)
        let s: Matrix? = dataSpace ? nil : try Self.correlation(prepared)
        let anchors = floor.noiseShare
        let fitModel = { @Sendable (o: FitOptions, progress: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
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
        var mainOptions = options.fit
        mainOptions.factors = k
        let fitThreads = IndependentFits.workers(options.threads)
        let plan = ModelFit.AuxiliaryPlan(s: s, n: n, p: p, k: k, anchors: anchors, options: mainOptions,
                                          neighbours: options.assessFit, cost: options.assessFit, pairwise: prepared.hasGaps)
        let multiStart = try MultiStartFit(options: mainOptions, starts: options.starts, check: options.startCheck,
                                           progress: emProgress, threads: fitThreads, companions: plan.jobs, fit: fitModel)
        if prepared.hasGaps {
            warnings.append(AnalysisWarning(
                .fittedWithGaps,
                "fitted with \(prepared.selectionReport.missingCells) missing task cell(s) by the missing-data EM (maximum likelihood over each run's observed cells, with task means and sds from the observed cells: two-stage); fit statistics compare with the pairwise-complete correlations and are approximate"))
        }
        let model = multiStart.model
        let d = model.diagnostics
        let spread = try Self.scoreSpread(model: model, multiStart: multiStart, prepared: prepared,
                                          anchored: anchors.map { $0 != nil })
        warnings.append(contentsOf: Self.fitWarnings(model: model, multiStart: multiStart, tasks: prepared.tasks,
                                                     anchors: anchors, starts: options.starts, runs: true,
                                                     spread: spread))
        var modelFit = ModelFit.assess(
            s: s, n: n, tasks: prepared.tasks, model: model, anchors: anchors, starts: multiStart.starts,
            plan: plan, fits: multiStart.companionFits, pairwise: prepared.hasGaps)
        modelFit.scoreSpread = spread
        if let why = modelFit.unavailable {
            warnings.append(AnalysisWarning(.fitStatisticsUnavailable, "no fit statistics: \(why)"))
        }
        warnings.append(contentsOf: Self.fitQualityWarnings(modelFit))
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
            stopQuantity: d.stopQuantity, identification: d.identification, mStepFallback: d.mStepFallback)
        let fitted = try FittedModel(prepared: prepared, fit: model, anchored: floor.noiseShare.map { $0 != nil },
                                     provenance: provenance)
        let theta = try numerical { () throws(LinalgError) in try Matrix(rows: fitted.sweep.theta) }
        let snr: SignalToNoiseSummary?
        if let noise {
            snr = try SignalToNoiseSummary(prepared: prepared, noise: noise, model: fitted, sweepScores: theta)
            warnings.append(contentsOf: snr?.caveats ?? [])
        } else {
            snr = nil
        }
        let validation = try Validation(sweep: runs, metrics: heldOut.metrics, scores: theta)
        let ranks = RankIntervals(aggregates: fitted.sweep.aggregate, sds: fitted.sweep.aggregateSD,
                                  draws: options.rankDraws, seed: options.seed, threads: options.threads)
        let leaderboard = Leaderboard(sweep: runs, model: fitted, ranks: ranks,
                                      heldOutMetrics: validation.metrics, extraColumns: options.leaderboardColumns)

        return AnalysisResult(
            source: runs.source, noiseSource: noise?.source, skippedRuns: skipped, prepared: prepared, horn: horn,
            kChoice: kChoice, model: model, fitted: fitted, floor: floor, snr: snr, validation: validation,
            leaderboard: leaderboard, warnings: warnings, rankDraws: options.rankDraws, fit: modelFit)
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

    /// What the fit itself must say: an unconverged EM, the projected M-step's
    /// fallback to nnls, weakly identified loadings (with how much the
    /// leaderboard moves across starts, `spread`, when there are runs), a
    /// better optimum found by the start check, how many starts agreed, Heywood cases.
    static func fitWarnings(model: FactorModel, multiStart: MultiStartFit, tasks: [String], anchors: [Double?],
                            starts: Int, runs: Bool = false, spread: ScoreSpread? = nil) -> [AnalysisWarning] {
        var warnings: [AnalysisWarning] = []
        let d = model.diagnostics
        if let fallback = d.mStepFallback {
            warnings.append(AnalysisWarning(
                .mStepFallback,
                "\(fallback.reason); the fit was finished with the nnls M-step (exact, monotone in ℓ, its fixed point the constrained maximum likelihood) from the projected map's best point, and its answer is reported (m_step nnls) — not the reference's projected fixed point, which was not reached"))
        }
        if case let .weaklyIdentified(free)? = d.identification {
            warnings.append(Self.weakIdentificationWarning(d, freeRotations: free, k: model.factorCount, runs: runs,
                                                           spread: spread, starts: multiStart.starts))
        }
        if !d.converged {
            let distance = d.estimatedDistance.isFinite ? "estimated distance to the fixed point \(d.estimatedDistance)" : "distance to the fixed point unknown (steps not contracting)"
            warnings.append(AnalysisWarning(
                .emNotConverged,
                "EM did NOT converge: stopped at the cap of \(d.iterations) map evaluations, last step \(d.finalStep), \(distance); the scores may be wrong — try --m-step nnls or a larger --max-iterations"))
        }
        if multiStart.checkFoundBetter, let gain = multiStart.starts.checkGain,
           let better = multiStart.starts.checkBestLogLikelihood {
            warnings.append(AnalysisWarning(
                .betterOptimumFound,
                "the EM's default start stopped at a local optimum: one of \(multiStart.starts.checkStarts) extra seeded starts reached log-likelihood \(better), higher by \(gain); rerun with --starts 16 to report the best of 16 starts"))
        }
        if multiStart.checkInconclusive, let unconverged = multiStart.starts.checkUnconverged {
            let best = multiStart.starts.checkBestLogLikelihood.map { " (the best check start reached log-likelihood \($0))" } ?? ""
            warnings.append(AnalysisWarning(
                .startCheckInconclusive,
                "the start check is inconclusive: \(unconverged) of its \(multiStart.starts.checkStarts) extra seeded starts stopped unconverged at their cap of \(multiStart.checkCap) map evaluations or failed, so none beat the default start\(best) but they might have — rerun with --starts 9 to fit every start to convergence"))
        }
        if starts > 1 {
            warnings.append(AnalysisWarning(
                .startsCompared,
                "\(multiStart.starts.reachedBest) of \(multiStart.starts.requested) starts reached the best log-likelihood \(d.logLikelihood) (start \(multiStart.starts.best) reported)"))
        }
        let heywood = tasks.indices.filter { anchors[$0] == nil && model.psi[$0] < 0.005 }
            .map { tasks[$0] }
        if !heywood.isEmpty {
            warnings.append(AnalysisWarning(
                .heywoodCase,
                "Heywood case: \(heywood.count) task(s) have a free uniqueness below 0.005 (factanal's bound), i.e. the factors explain them almost entirely — an improper solution or too many factors: \(AnalysisWarning.list(heywood))",
                subjects: heywood))
        }
        return warnings
    }

    /// The `weakly_identified` warning: what is flat, what the EM stopped on, and
    /// how far the leaderboard moves across starts.
    static func weakIdentificationWarning(_ d: FitDiagnostics, freeRotations: Int, k: Int, runs: Bool,
                                          spread: ScoreSpread?, starts: ModelFit.Starts) -> AnalysisWarning {
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        let stop = d.stopQuantity == .covariance
            ? "the EM stopped when Σ = ΛΛᵀ + Ψ had converged (estimated distance \(d.covarianceDistance.map(g) ?? "unknown") < \(g(d.stopRule.tolerance))), not Λ"
            : "Λ itself converged, to one of many equally likely points"
        var message = "the loadings are weakly identified: the likelihood is flat along \(k * (k - 1) / 2 > RotationCone.exactSpanLimit ? "at least " : "")\(freeRotations) of the \(k * (k - 1) / 2) rotation direction(s) of the \(k) factors that keep every loading ≥ 0 (too few loadings at 0 to pin them), so the data determine Σ = ΛΛᵀ + Ψ and the log-likelihood but not Λ; \(stop)"
        var subjects: [String] = []
        if !runs {
            message += "; the factors are one of many equivalent rotations"
        } else if let spread {
            message += "; across \(spread.fitsCompared) fits from different starts that reached the same log-likelihood the aggregate scores correlate at least r = \(String(format: "%.4f", spread.lowestCorrelation)) and the largest rank move is \(spread.largestRankMove) place(s) (run \(spread.run): rank \(spread.ranks[0]) vs \(spread.ranks[1])) — read rank differences of that size as ties"
            subjects = [spread.run]
        } else {
            let tried = starts.requested > 1 ? starts.requested - 1 : starts.checkStarts
            message += tried > 0
                ? "; none of the \(tried) other start(s) reached the same log-likelihood, so how much the leaderboard moves along the rotation is not measured"
                : "; no other start was run, so how much the leaderboard moves along the rotation is not measured — rerun without --no-start-check or with --starts 8"
        }
        return AnalysisWarning(.weaklyIdentified, message, subjects: subjects)
    }

    /// A poor fit (RMSEA above 0.1, the conventional line) is said, with where to look.
    static func fitQualityWarnings(_ fit: ModelFit) -> [AnalysisWarning] {
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        var out: [AnalysisWarning] = []
        if let s = fit.statistics, let rmsea = s.rmsea, rmsea.estimate > 0.1 {
            let worst = fit.largestResiduals.first.map { " (largest residual correlation \(g($0.value)) between \($0.taskA) and \($0.taskB))" } ?? ""
            out.append(AnalysisWarning(
                .poorFit,
                "the \(s.factors)-factor model fits poorly: RMSEA \(g(rmsea.estimate)) (90% interval \(g(rmsea.lower))–\(g(rmsea.upper)); above 0.1 is poor), TLI \(g(s.tli))\(worst); see the Model fit card (k ± 1, residuals) — with noise anchors, tasks whose ψ is pinned near 0 force the factors to reproduce them exactly"))
        }
        if let cost = fit.nonNegativityCost, !cost.isMeasured {
            out.append(AnalysisWarning(
                .freeFitBelowNonnegative,
                "the free-loading fit ended below the non-negative one (log-likelihood \(String(format: "%.8g", cost.freeLogLikelihood)) < \(String(format: "%.8g", cost.nonnegativeLogLikelihood))): every non-negative Λ is a free one too, so the free fit \(cost.freeConverged ? "stopped at a worse local optimum" : "stopped unconverged at its cap") and the cost of non-negativity is not measured; fit with --loadings free --starts 16 to compare"))
        }
        return out
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

    /// Warnings for every run and task the preparation dropped.
    static func selectionWarnings(_ report: SelectionReport) -> [AnalysisWarning] {
        var out: [AnalysisWarning] = []
        if !report.droppedRuns.isEmpty {
            let words: [SelectionReport.DropReason: String] = [.lowCoverage: "with low coverage",
                                                               .incomplete: "with a gap", .constant: "constant"]
            let why = Dictionary(grouping: report.droppedRuns, by: \.reason)
                .map { "\($0.value.count) \(words[$0.key]!)" }.sorted()
            out.append(AnalysisWarning(
                .runsDropped,
                "dropped \(report.droppedRuns.count) run(s) for missing cells (\(why.joined(separator: ", ")); policy \(report.missingPolicy.rawValue), min coverage \(report.minCoverage)): \(AnalysisWarning.list(report.droppedRuns.map(\.name)))",
                subjects: report.droppedRuns.map(\.name)))
        }
        let gappy = report.droppedTasks.filter { $0.reason != .constant }
        if !gappy.isEmpty {
            out.append(AnalysisWarning(
                .tasksDropped,
                "dropped \(gappy.count) task(s) observed on less than \(report.minCoverage) of the runs: \(AnalysisWarning.list(gappy.map(\.name)))",
                subjects: gappy.map(\.name)))
        }
        return out
    }

    /// k from the options and Horn's counts (METHOD.md §4).
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
            // Explicit starting loadings fix k: they cannot be capped.
            if options.initialLoadings?.first?.count == fixed {
                return FactorCountChoice(rule: .initialLoadings, k: fixed, k95: horn.k95, kMean: horn.kMean)
            }
            return capped(.fixed, fixed)
        }
        if horn.k95 == 0 { return FactorCountChoice(rule: .hornZeroFallback, k: 1, k95: 0, kMean: horn.kMean) }
        return capped(.horn, horn.k95)
    }

    /// Keeps rows whose status equals `required` (ignoring case and surrounding
    /// spaces) when the file has a `status` column; lists the others.
    public static func filterStatus(_ sweep: EvalMatrix, required: String?) -> (EvalMatrix, [SkippedRun]) {
        guard let required, let status = sweep.strings("status") else { return (sweep, []) }
        let want = required.trimmingCharacters(in: .whitespaces).lowercased()
        let keep = status.map { $0.trimmingCharacters(in: .whitespaces).lowercased() == want }
        let skipped = status.indices.filter { !keep[$0] }.map {
            SkippedRun(run: sweep.runNames[$0], line: sweep.lines[$0],
                       reason: status[$0].isEmpty ? "an empty status" : "status \"\(status[$0])\"")
        }
        return (sweep.filteringRows { keep[$0] }, skipped)
    }
}
