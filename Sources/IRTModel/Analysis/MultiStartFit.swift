import Foundation
import Linalg

/// The EM run from several starting points: start 1 is the options' own Λ0
/// (explicit, or `|N(0, 0.1²)|` from `initSeed`), start i > 1 draws Λ0 from
/// `initSeed + i − 1`. The highest log-likelihood wins (ties within 1e-9
/// relative: the lowest start). Without extra starts asked for, a check of
/// `check` extra seeded starts runs and only reports what it finds.
struct MultiStartFit {
    /// The reported fit.
    let model: FactorModel
    /// Its starts block.
    private(set) var starts: FitAssessment.Starts
    /// The other starts' fits (requested or check) that reached the reported
    /// ℓ within ``sameOptimum``: with weakly identified loadings they share Σ
    /// but not Λ, and show how much the scores move (``ScoreSpread``).
    let sameOptimumFits: [FactorModel]
    /// The companions' fits, in their order (``FitAssessment/AuxiliaryPlan``).
    let companionFits: [Result<FactorModel, AnalysisError>]
    /// The cap of each check start: ``auxiliaryCap``, or the main fit's when lower.
    let checkCap: Int

    /// Relative ℓ difference below which two starts reached the same optimum.
    static let sameOptimum = 1e-7
    /// Relative ℓ difference below which the lower start index wins.
    static let tie = 1e-9
    /// Cap on map evaluations of each fit made only to check or compare (check
    /// starts, k ± 1, free loadings): twice the 5,000-evaluation budget a fit is
    /// held to, which bounds their cost (Docs/decisions/start-check.md). A check
    /// start that stops at the cap is counted (``FitAssessment/Starts/checkUnconverged``)
    /// and, when the check found nothing better, the check is said to be inconclusive.
    static let auxiliaryCap = 10_000

    /// The options of an auxiliary fit: the user's model (M-step, loadings,
    /// anchors) with IRTKit's converged, accelerated EM — whatever EM the main
    /// fit used — capped at ``auxiliaryCap``, from a random start.
    static func auxiliary(_ options: FitOptions, seed: UInt64) -> FitOptions {
        var o = options
        o.initialLoadings = nil
        o.initSeed = seed
        o.acceleration = .anderson
        o.stopRule = FitOptions().stopRule
        o.maxIterations = Swift.min(options.maxIterations, auxiliaryCap)
        o.recordTrace = false
        return o
    }

    /// - Parameters:
    ///   - fit: fits the model with the given options (and progress callback, or `nil`).
    ///   - threads: threads for the pool of independent fits — the default
    ///     start, the check's starts, the companions (``IndependentFits``); the
    ///     result is the same for any value.
    ///   - companions: other independent fits to run in the same pool (the
    ///     assessment's k ± 1 and free loadings), each from its own options;
    ///     their results are ``companionFits``.
    init(options: FitOptions, starts count: Int, check: Int, progress: (@Sendable (Int, Double) -> Void)?,
         threads: Int = 1, companions: [FitOptions] = [],
         fit: @escaping @Sendable (FitOptions, (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel) throws(AnalysisError) {
        checkCap = Self.auxiliary(options, seed: options.initSeed).maxIterations
        var fits: [FactorModel] = []
        // The check's fits, in start order (`nil`: failed numerically).
        var extras: [FactorModel?] = []
        let checkCount = count <= 1 ? Swift.max(0, check) : 0
        if checkCount > 0 || !companions.isEmpty, count <= 1 {
            // The default start, the check's extra starts and the companions
            // are independent fits: one pool keeps every core busy from the
            // start (the default start alone, then the free fit alone, left a
            // core idle for half of a wide sweep's analysis). A check start that
            // fails numerically says nothing about the optimum; the default
            // start's failure is the analysis's, and once it has failed the
            // fits not yet begun are skipped.
            let mainFailed = FailureFlag()
            let results = IndependentFits.map(1 + checkCount + companions.count, threads: threads) { i -> Result<FactorModel, AnalysisError> in
                if i > 0, let error = mainFailed.error { return .failure(error) }
                return Result { () throws(AnalysisError) -> FactorModel in
                    if i == 0 {
                        do throws(AnalysisError) { return try fit(options, progress) } catch { mainFailed.set(error); throw error }
                    }
                    if i <= checkCount { return try fit(Self.auxiliary(options, seed: options.initSeed &+ UInt64(i)), nil) }
                    return try fit(companions[i - 1 - checkCount], nil)
                }
            }
            fits.append(try results[0].get())
            extras = results[1..<(1 + checkCount)].map { try? $0.get() }
            companionFits = Array(results[(1 + checkCount)...])
        } else {
            for i in 0..<Swift.max(1, count) {
                var o = options
                if i > 0 { o.initialLoadings = nil; o.initSeed = options.initSeed &+ UInt64(i) }
                fits.append(try fit(o, i == 0 ? progress : nil))
            }
            companionFits = IndependentFits.map(companions.count, threads: threads) { i in
                Result { () throws(AnalysisError) -> FactorModel in try fit(companions[i], nil) }
            }
        }
        let ll = fits.map(\.diagnostics.logLikelihood)
        var best = 0
        for i in ll.indices.dropFirst() where ll[i] > ll[best] + Self.tie * Swift.abs(ll[best]) { best = i }
        let top = ll[best]
        let reached = ll.filter { Swift.abs($0 - top) <= Self.sameOptimum * Swift.abs(top) }.count
        var checkBest: Double? = nil
        var checkFits: [FactorModel] = []
        var unconverged = 0
        // The best converged check start, adopted when it beats the default start.
        var adopt: (start: Int, fit: FactorModel)? = nil
        var adoptedIndex = -1
        for (i, extra) in extras.enumerated() {
            guard let extra else { unconverged += 1; continue }
            if !extra.diagnostics.converged { unconverged += 1 }
            let l = extra.diagnostics.logLikelihood
            checkBest = Swift.max(checkBest ?? -.infinity, l)
            checkFits.append(extra)
            if extra.diagnostics.converged, l > top + Self.sameOptimum * Swift.abs(top),
               l > (adopt?.fit.diagnostics.logLikelihood ?? -.infinity) {
                adopt = (i + 1, extra)
                adoptedIndex = checkFits.count - 1
            }
        }
        model = adopt?.fit ?? fits[best]
        let reported = model.diagnostics.logLikelihood
        // Every other fit, the default start's included when a check start is reported.
        let others = fits.indices.filter { $0 != best || adopt != nil }.map { fits[$0] }
            + checkFits.enumerated().filter { adopt == nil || $0.offset != adoptedIndex }.map(\.element)
        sameOptimumFits = others.filter {
            $0.diagnostics.converged
                && Swift.abs($0.diagnostics.logLikelihood - reported) <= Self.sameOptimum * Swift.abs(reported)
        }
        starts = FitAssessment.Starts(
            requested: Swift.max(1, count), best: best + 1, reachedBest: reached, logLikelihoods: ll,
            iterations: fits.map(\.diagnostics.iterations), checkStarts: count <= 1 ? check : 0,
            checkBestLogLikelihood: checkBest, checkGain: checkBest.map { $0 - top })
        if starts.checkStarts > 0 { starts.checkUnconverged = unconverged }
        starts.adoptedCheckStart = adopt?.start
    }

    /// Whether the check found nothing better while some of its starts stopped
    /// unconverged (or failed): those might have gone higher.
    var checkInconclusive: Bool {
        !checkFoundBetter && (starts.checkUnconverged ?? 0) > 0
    }

    /// Whether the check found an optimum better than the reported one by more than rounding.
    var checkFoundBetter: Bool {
        guard let gain = starts.checkGain, let first = starts.logLikelihoods.max() else { return false }
        return gain > Self.sameOptimum * Swift.abs(first)
    }
}

/// The default start's failure, seen by the pool's other fits.
private final class FailureFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: AnalysisError?

    var error: AnalysisError? { lock.lock(); defer { lock.unlock() }; return stored }

    func set(_ error: AnalysisError) { lock.lock(); stored = error; lock.unlock() }
}
