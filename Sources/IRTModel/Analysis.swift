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
    /// - Throws: ``AnalysisError`` for bad input (naming file, line, column) or a numerical failure.
    /// - Complexity: `draws · (n p² + p³)` for Horn, `n p²` once plus `p² k` per EM iteration.
    public func run(progress: (@Sendable (AnalysisProgress) -> Void)? = nil) throws(AnalysisError) -> AnalysisResult {
        let kept = options.requiredStatus.map { sweep.completedRuns(statusColumn: "status", value: $0) } ?? sweep
        let prepared = try PreparedSweep(sweep: kept, selection: options.selection,
                                         zeroVarianceThreshold: options.zeroVarianceThreshold)
        let p = prepared.tasks.count
        let draws = options.draws
        var hornProgress: (@Sendable (Int) -> Void)? = nil
        if let progress { hornProgress = { done in progress(.hornDraws(done: done, total: draws)) } }
        let horn = try ParallelAnalysis(
            z: prepared.z, draws: draws, seed: options.seed, rule: options.hornRule, threads: options.threads,
            progress: hornProgress)

        var warnings: [String] = []
        if !prepared.droppedTasks.isEmpty {
            warnings.append("dropped \(prepared.droppedTasks.count) constant task(s): \(prepared.droppedTasks.joined(separator: ", "))")
        }
        let k: Int
        if let fixed = options.fit.factors {
            guard fixed >= 1, fixed <= p else { throw .tooManyFactors(requested: fixed, tasks: p) }
            k = fixed
        } else if horn.k95 == 0 {
            warnings.append("no factor stands above noise (k95 = 0); fitting k = 1")
            k = 1
        } else {
            k = horn.k95
        }

        let floor = try noise.map { noise throws(AnalysisError) in try NoiseFloor(sweep: prepared, noise: noise) }
            ?? NoiseFloor(unanchored: prepared.tasks)
        if noise != nil, !floor.tasksMissingFromNoise.isEmpty {
            warnings.append("\(floor.tasksMissingFromNoise.count) task(s) have no noise anchor (free ψ, no ceiling): \(floor.tasksMissingFromNoise.joined(separator: ", "))")
        }

        var emProgress: (@Sendable (Int, Double) -> Void)? = nil
        if let progress { emProgress = { iterations, step in progress(.emIterations(iterations, step: step)) } }
        let model = try FactorModel(
            z: prepared.z, k: k, anchors: floor.noiseShare, options: options.fit, progress: emProgress)
        if !model.diagnostics.converged {
            warnings.append("EM did not converge in \(model.diagnostics.iterations) iterations (last step \(model.diagnostics.finalStep), estimated distance \(model.diagnostics.estimatedDistance))")
        }
        let above = prepared.tasks.indices.filter { j in
            floor.h2Ceiling[j].map { model.communality[j] > $0 } ?? false
        }.map { prepared.tasks[$0] }
        if !above.isEmpty {
            warnings.append("\(above.count) task(s) have h² above their noise ceiling: \(above.joined(separator: ", "))")
        }

        let theta = try model.scores(prepared.z)
        let snr: SignalToNoiseSummary?
        if let noise {
            snr = try SignalToNoiseSummary(prepared: prepared, noise: noise, model: model, sweepScores: theta)
            warnings.append(contentsOf: snr?.caveats ?? [])
        } else {
            snr = nil
        }
        let validation = try Validation(sweep: kept, metrics: options.heldOutMetrics, scores: theta)
        let leaderboard = Leaderboard(sweep: kept, runNames: prepared.runNames, scores: theta,
                                      heldOutMetrics: validation.metrics, extraColumns: options.leaderboardColumns)

        return AnalysisResult(
            source: kept.source, noiseSource: noise?.source, prepared: prepared, horn: horn, k: k,
            model: model, floor: floor, snr: snr, validation: validation, theta: theta,
            leaderboard: leaderboard, warnings: warnings)
    }
}
