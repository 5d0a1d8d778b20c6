import Linalg

/// The sweep as the model sees it: selected task columns of the kept runs,
/// signed so that higher is better, constant tasks dropped, z-scored with
/// population sd (METHOD.md §1–§3).
///
/// ```
/// X = sign · raw,   Z = (X − mean) / sd,   sd with divisor n
/// ```
public struct PreparedSweep: Sendable {
    /// Task names, in file order (after dropping constant tasks).
    public let tasks: [String]
    /// Tasks dropped because their population sd is ≤ the threshold.
    public let droppedTasks: [String]
    /// Run names of the kept rows, in file order.
    public let runNames: [String]
    /// File line of each kept row.
    public let lines: [Int]
    /// `+1` for higher-is-better tasks, `−1` for lower-is-better, per task.
    public let signs: [Double]
    /// Raw (unsigned) values, n × p.
    public let raw: Matrix
    /// Signed values and their z-scores (with the means and sds used).
    public let standardization: Standardization

    /// The z-scored data `Z` (n × p).
    public var z: Matrix { standardization.z }

    /// Selects, signs and z-scores the tasks of `sweep`.
    ///
    /// - Parameters:
    ///   - sweep: the evaluation matrix, rows already filtered.
    ///   - selection: which columns are tasks and which way is better.
    ///   - zeroVarianceThreshold: drop a task whose population sd is at most this.
    ///   - minimumRuns: fewest runs the analysis accepts.
    /// - Throws: ``AnalysisError/noTaskColumns(file:)``, ``AnalysisError/allTasksConstant(file:tasks:)``,
    ///   ``AnalysisError/tooFewRuns(file:needed:actual:)``,
    ///   ``AnalysisError/missingCell(file:line:run:column:)`` and
    ///   ``AnalysisError/nonNumericCell(file:line:column:value:)`` naming the cell.
    public init(
        sweep: EvalMatrix, selection: TaskSelection, zeroVarianceThreshold: Double = 1e-12, minimumRuns: Int = 3
    ) throws(AnalysisError) {
        let candidates = selection.taskColumns(in: sweep.columnNames)
        guard !candidates.isEmpty else { throw .noTaskColumns(file: sweep.source) }
        guard sweep.rowCount >= minimumRuns else {
            throw .tooFewRuns(file: sweep.source, needed: minimumRuns, actual: sweep.rowCount)
        }
        let all = try sweep.numericMatrix(columns: candidates)
        let sds: [Double]
        sds = try numerical { () throws(LinalgError) in try all.columnStandardDeviations(ddof: 0) }
        var keep: [Int] = [], dropped: [String] = []
        for (j, sd) in sds.enumerated() {
            // Exactly equal values are constant even when the two-pass sd
            // rounds above the threshold (a mean that does not round-trip).
            let constant = !(sd > zeroVarianceThreshold) || all.withColumn(j) { c in
                (1..<c.count).allSatisfy { c[$0] == c[0] }
            }
            if constant { dropped.append(candidates[j]) } else { keep.append(j) }
        }
        guard !keep.isEmpty else { throw .allTasksConstant(file: sweep.source, tasks: candidates) }
        tasks = keep.map { candidates[$0] }
        droppedTasks = dropped
        runNames = sweep.runNames
        lines = sweep.lines
        signs = tasks.map { selection.direction(of: $0)?.sign ?? -1 }
        raw = all.selectingColumns(keep)
        var signed = raw
        for j in 0..<signed.columns where signs[j] != 1 {
            for i in 0..<signed.rows { signed[i, j] = signs[j] * signed[i, j] }
        }
        standardization = try numerical { () throws(LinalgError) in try signed.standardized(ddof: 0) }
    }
}
