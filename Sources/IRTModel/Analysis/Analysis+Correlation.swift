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
        try checkTaskCount(input.tasks, source: input.source)
        if input.wasCovariance {
            warnings.append(AnalysisWarning(
                .covarianceStandardized,
                "\(input.source) holds a covariance matrix (its diagonal is not 1): it was standardized to a correlation matrix"))
        }
        warnings.append(AnalysisWarning(
            .noRuns,
            "a correlation matrix has no runs: factor scores, the leaderboard, rank intervals, signal-to-noise and held-out validation are left out; Horn's analysis, the fit and its statistics use R and n = \(n)"))
        let horn = try ParallelAnalysis(correlation: input.correlation, observations: n, draws: options.draws,
                                        seed: options.seed, rule: options.hornRule, threads: options.threads,
                                        progress: AnalysisProgress.hornDraws(reportingTo: progress, total: options.draws))
        warnings.append(contentsOf: drawWarnings(nullDraws: options.draws, rankDraws: nil))
        let kChoice = try chooseK(options: options.fit, horn: horn, tasks: p, freeUniquenesses: p)
        warnings.append(contentsOf: factorCountWarnings(kChoice, tasks: p, freeUniquenesses: p))
        let anchors = [Double?](repeating: nil, count: p)
        let stage = try FitStage(
            k: kChoice.k, s: input.correlation, n: n, tasks: input.tasks, anchors: anchors, pairwise: false, runs: false,
            options: options, progress: progress,
            fit: { (o: FitOptions, progress: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
                try FactorModel(covariance: input.correlation, observations: n, k: o.factors ?? kChoice.k,
                                anchors: anchors, options: o, progress: progress)
            })
        warnings.append(contentsOf: stage.warnings)
        let model = stage.model
        let modelFit = stage.assessment
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
