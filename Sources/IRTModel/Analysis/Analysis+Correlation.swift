import Foundation
import Linalg

extension Analysis {
    /// The method on a correlation (or covariance) matrix instead of runs:
    /// Horn's analysis (real eigenvalues of R against the null of n × p normal
    /// data), k, the fit from several starts, fit statistics, neighbours and the
    /// cost of non-negativity. Every task is higher-is-better as given and every
    /// ψ is free (there are no replicate runs to anchor them).
    ///
    /// - Throws: as ``run(progress:)``.
    public static func run(
        correlation input: CorrelationInput, options: AnalysisOptions = AnalysisOptions(),
        progress: (@Sendable (AnalysisProgress) -> Void)? = nil
    ) throws(AnalysisError) -> AnalysisResult {
        var warnings: [AnalysisWarning] = []
        let p = input.tasks.count, n = input.observations
        if input.wasCovariance {
            warnings.append(AnalysisWarning(
                .covarianceStandardized,
                "\(input.source) holds a covariance matrix (its diagonal is not 1): it was standardized to a correlation matrix"))
        }
        warnings.append(AnalysisWarning(
            .noRuns,
            "a correlation matrix has no runs: factor scores, the leaderboard, rank intervals, signal-to-noise and held-out validation are left out; Horn's analysis, the fit and its statistics use R and n = \(n)"))
        let draws = options.draws
        var hornProgress: (@Sendable (Int) -> Void)? = nil
        if let progress { hornProgress = { done in progress(.hornDraws(done: done, total: draws)) } }
        let horn = try ParallelAnalysis(correlation: input.correlation, observations: n, draws: draws, seed: options.seed,
                                        rule: options.hornRule, threads: options.threads, progress: hornProgress)
        let kChoice = try chooseK(options: options.fit, horn: horn, tasks: p, freeUniquenesses: p)
        if kChoice.rule == .hornZeroFallback {
            warnings.append(AnalysisWarning(.noFactorAboveNoise, "no factor stands above noise (k95 = 0); fitting k = 1"))
        }
        if let asked = kChoice.capped {
            warnings.append(AnalysisWarning(
                .factorsCapped,
                "\(asked) factors were asked for, but with p = \(p) free uniquenesses a \(asked)-factor model has negative degrees of freedom; fitting k = \(kChoice.k), Ledermann's bound"))
        }
        let anchors = [Double?](repeating: nil, count: p)
        var emProgress: (@Sendable (Int, Double) -> Void)? = nil
        if let progress { emProgress = { iterations, step in progress(.emIterations(iterations, step: step)) } }
        let fitModel = { @Sendable (o: FitOptions, progress: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
            try FactorModel(covariance: input.correlation, observations: n, k: o.factors ?? kChoice.k, anchors: anchors,
                            options: o, progress: progress)
        }
        var mainOptions = options.fit
        mainOptions.factors = kChoice.k
        let plan = ModelFit.AuxiliaryPlan(s: input.correlation, n: n, p: p, k: kChoice.k, anchors: anchors,
                                          options: mainOptions, neighbours: options.assessFit, cost: options.assessFit,
                                          pairwise: false)
        let multiStart = try MultiStartFit(options: mainOptions, starts: options.starts, check: options.startCheck,
                                           progress: emProgress, threads: IndependentFits.workers(options.threads),
                                           companions: plan.jobs, fit: fitModel)
        let model = multiStart.model
        warnings.append(contentsOf: fitWarnings(model: model, multiStart: multiStart, tasks: input.tasks, anchors: anchors,
                                                starts: options.starts))
        let modelFit = ModelFit.assess(
            s: input.correlation, n: n, tasks: input.tasks, model: model, anchors: anchors, starts: multiStart.starts,
            plan: plan, fits: multiStart.companionFits)
        if let why = modelFit.unavailable {
            warnings.append(AnalysisWarning(.fitStatisticsUnavailable, "no fit statistics: \(why)"))
        }
        warnings.append(contentsOf: Self.fitQualityWarnings(modelFit))
        let selection = SelectionReport(
            selection: .allNumeric(), runColumn: nil, missingPolicy: .error,
            minCoverage: 0, runsRead: n, runsKept: n, missingCells: 0,
            tasks: input.tasks.map {
                SelectionReport.Task(name: $0, direction: .higherIsBetter, reason: .defaultHigher, coverage: 1)
            },
            droppedRuns: [], droppedTasks: [], skippedNonNumeric: [])
        return AnalysisResult(
            correlation: input, selection: selection, horn: horn, kChoice: kChoice, model: model,
            factorLabels: FactorLabels.make(tasks: input.tasks, loadings: model.loadings), warnings: warnings,
            fit: modelFit)
    }
}
