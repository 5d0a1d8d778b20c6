import Linalg

/// How much of each task's spread across the sweep is seed noise (METHOD.md §5).
///
/// For a task present in the noise file (replicate runs of one mixture):
///
/// ```
/// noise_share = (noise_sd / sweep_sd)²      (both sample sds, divisor n − 1;
///                                           sweep_sd over the runs observing the task)
/// h²_ceiling  = clamp(1 − noise_share, 0, 1)
/// ```
///
/// A task absent from the noise file has no anchor and no ceiling.
public struct NoiseFloor: Sendable, Equatable {
    /// Per task: noise share, or `nil` without an anchor.
    public let noiseShare: [Double?]
    /// Per task: the communality a task could reach if everything but seed noise were signal.
    public let h2Ceiling: [Double?]
    /// Tasks with no column (or fewer than two values) in the noise file.
    public let tasksMissingFromNoise: [String]
    /// Replicate runs in the noise file.
    public let noiseRuns: Int

    /// Measures the noise floor of `sweep`'s tasks from `noise`.
    ///
    /// - Throws: ``AnalysisError/tooFewNoiseRuns(file:needed:actual:)`` with fewer
    ///   than 2 rows; ``AnalysisError/noiseSharesNoTask(file:)`` when no task is
    ///   in the noise file; cell errors naming the noise file's line and column.
    public init(sweep: PreparedSweep, noise: EvalMatrix) throws(AnalysisError) {
        guard noise.rowCount >= 2 else {
            throw .tooFewNoiseRuns(file: noise.source, needed: 2, actual: noise.rowCount)
        }
        let sweepSD: [Double]
        if sweep.hasGaps {
            // The sweep's spread over the runs that observe each task.
            sweepSD = (0..<sweep.tasks.count).map { j in
                let values = (0..<sweep.raw.rows).filter { sweep.observed[$0, j] }.map { sweep.raw[$0, j] }
                return ((try? Statistics.variance(values, ddof: 1)) ?? .nan).squareRoot()
            }
        } else {
            sweepSD = try numerical { () throws(LinalgError) in try sweep.raw.columnStandardDeviations(ddof: 1) }
        }
        var shares: [Double?] = [], missing: [String] = []
        for (j, task) in sweep.tasks.enumerated() {
            guard noise.hasColumn(task) else { shares.append(nil); missing.append(task); continue }
            let values = try noise.numbers(task).compactMap { $0 }
            guard values.count >= 2, let variance = try? Statistics.variance(values, ddof: 1) else {
                shares.append(nil); missing.append(task); continue
            }
            shares.append(variance / (sweepSD[j] * sweepSD[j]))
        }
        guard missing.count < sweep.tasks.count else { throw .noiseSharesNoTask(file: noise.source) }
        noiseShare = shares
        h2Ceiling = shares.map { $0.map { Swift.min(Swift.max(1 - $0, 0), 1) } }
        tasksMissingFromNoise = missing
        noiseRuns = noise.rowCount
    }

    /// No noise file: every task is free and without ceiling.
    public init(unanchored tasks: [String]) {
        noiseShare = tasks.map { _ in nil }
        h2Ceiling = noiseShare
        tasksMissingFromNoise = tasks
        noiseRuns = 0
    }
}
