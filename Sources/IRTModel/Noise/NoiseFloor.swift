import Linalg

/// How much of each task's spread across the sweep is seed noise (METHOD.md §5).
///
/// For a task present in the noise file (replicate runs of one mixture):
///
/// ```
/// noise_share = (noise_sd / sweep_sd)²      (both sample sds, divisor n − 1;
///                                           sweep_sd over the runs observing the task)
/// ```
///
/// The sds are computed on scaled values (`Linalg`'s column statistics) and
/// divided before squaring, so a task of any finite magnitude (1e300, 1e-300)
/// gets the same share as the task itself: no variance is ever formed.
///
/// ```
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
                return Self.sampleSD(values) ?? .nan
            }
        } else {
            sweepSD = try numerical { () throws(LinalgError) in try sweep.raw.columnStandardDeviations(ddof: 1) }
        }
        var shares: [Double?] = [], missing: [String] = []
        for (j, task) in sweep.tasks.enumerated() {
            guard noise.hasColumn(task) else { shares.append(nil); missing.append(task); continue }
            let values = try noise.numbers(task).compactMap { $0 }
            guard let noiseSD = Self.sampleSD(values) else {
                shares.append(nil); missing.append(task); continue
            }
            let ratio = noiseSD / sweepSD[j]
            shares.append(ratio * ratio)
        }
        guard missing.count < sweep.tasks.count else { throw .noiseSharesNoTask(file: noise.source) }
        noiseShare = shares
        h2Ceiling = shares.map { $0.map { Swift.min(Swift.max(1 - $0, 0), 1) } }
        tasksMissingFromNoise = missing
        noiseRuns = noise.rowCount
    }

    /// The sample sd (divisor m − 1) of `values`, finite for any finite data; `nil` below 2 values.
    static func sampleSD(_ values: [Double]) -> Double? {
        guard values.count >= 2 else { return nil }
        let column = Matrix(rows: values.count, columns: 1) { i, _ in values[i] }
        return try? column.columnStandardDeviations(ddof: 1)[0]
    }

    /// No noise file: every task is free and without ceiling.
    public init(unanchored tasks: [String]) {
        noiseShare = tasks.map { _ in nil }
        h2Ceiling = noiseShare
        tasksMissingFromNoise = tasks
        noiseRuns = 0
    }
}
