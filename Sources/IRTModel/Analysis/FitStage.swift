import Foundation
import Linalg

/// The stage every analysis shares once its tasks' correlation structure is
/// known — runs or a correlation matrix alike: the number of factors k, the
/// fit from one or several starts (with the start check and the k ± 1 and
/// free-loading companions), its assessment, and the warnings the fit itself
/// must give.
struct FitStage {
    /// The fits from every start and the companions; ``model`` is the reported one.
    let multiStart: MultiStartFit
    /// Fit statistics, neighbours, the cost of non-negativity and the score spread.
    let assessment: FitAssessment
    /// What the fit must say (``Analysis/fitWarnings(model:multiStart:tasks:anchors:starts:runs:spread:)``,
    /// missing statistics, a poor fit), in that order.
    let warnings: [AnalysisWarning]

    /// The reported fit.
    var model: FactorModel { multiStart.model }

    /// A fit function: the model for these options (``FitOptions/factors`` set), reporting EM progress.
    typealias Fit = @Sendable (FitOptions, (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel

    /// Fits k factors from the options' starts and assesses the fit.
    ///
    /// - Parameters:
    ///   - k: the number of factors (``Analysis/chooseK(options:horn:tasks:freeUniquenesses:)``).
    ///   - s: the task correlation matrix the fit statistics compare with, or `nil` (data-space EM: singular).
    ///   - n: runs (observations).
    ///   - tasks: task names, for warnings.
    ///   - anchors: per task, the noise-anchored ψ or `nil` (free).
    ///   - pairwise: `s` holds pairwise-complete correlations (a sweep with gaps).
    ///   - runs: whether there are runs to score (the weak-identification warning says how far they move).
    ///   - options: the analysis options (``AnalysisOptions/fit``, starts, start check, assessment).
    ///   - progress: progress events of the analysis.
    ///   - fit: fits one model.
    ///   - spread: how far the runs' aggregates move across starts that reached the same optimum, when there are runs.
    /// - Throws: the fit's ``AnalysisError``.
    /// - Complexity: `starts + startCheck + 3` fits at most, on ``IndependentFits/workers(_:)`` threads.
    init(k: Int, s: Matrix?, n: Int, tasks: [String], anchors: [Double?], pairwise: Bool, runs: Bool,
         options: AnalysisOptions, progress: (@Sendable (AnalysisProgress) -> Void)?, fit: @escaping Fit,
         spread: (FactorModel, MultiStartFit) throws(AnalysisError) -> ScoreSpread? = { _, _ in nil }
    ) throws(AnalysisError) {
        var mainOptions = options.fit
        mainOptions.factors = k
        let plan = FitAssessment.AuxiliaryPlan(s: s, n: n, p: tasks.count, k: k, anchors: anchors, options: mainOptions,
                                               neighbours: options.assessFit, cost: options.assessFit,
                                               pairwise: pairwise)
        multiStart = try MultiStartFit(options: mainOptions, starts: options.starts, check: options.startCheck,
                                       progress: AnalysisProgress.emIterations(reportingTo: progress), threads: IndependentFits.workers(options.threads),
                                       companions: plan.jobs, fit: fit)
        let model = multiStart.model
        let spread = try spread(model, multiStart)
        var warnings = Analysis.fitWarnings(model: model, multiStart: multiStart, tasks: tasks, anchors: anchors,
                                            starts: options.starts, runs: runs, spread: spread)
        // One BLAS thread, as for the fits: OpenBLAS splits a threaded dtrsm or
        // dsymv by the core count (so could the statistics' rounding), and a
        // threaded call wakes its idle workers, which then spin beside ours.
        let starts = multiStart.starts, companionFits = multiStart.companionFits
        var assessment = BLASThreading.withThreadCount(1) {
            FitAssessment.assess(
                s: s, n: n, tasks: tasks, model: model, anchors: anchors, starts: starts,
                plan: plan, fits: companionFits, pairwise: pairwise)
        }
        assessment.scoreSpread = spread
        if let why = assessment.unavailable {
            warnings.append(AnalysisWarning(.fitStatisticsUnavailable, "no fit statistics: \(why)"))
        }
        warnings.append(contentsOf: Analysis.fitQualityWarnings(assessment, anchored: anchors.contains { $0 != nil }))
        self.assessment = assessment
        self.warnings = warnings
    }
}
