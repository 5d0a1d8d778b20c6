import Linalg

/// The sweep as the model sees it: selected task columns of the kept runs,
/// signed so that higher is better, constant tasks dropped, z-scored with
/// population sd (METHOD.md §1–§3).
///
/// ```
/// X = sign · raw,   Z = (X − mean) / sd,   sd with divisor n
/// ```
///
/// **Gaps** (``MissingPolicy``). Under ``MissingPolicy/fit`` and
/// ``MissingPolicy/dropRuns`` the coverage rule runs first: runs observed on
/// less than `minCoverage` of the selected tasks are dropped, then tasks
/// observed on less than `minCoverage` of the remaining runs (a run or task
/// with nothing observed always goes); ``MissingPolicy/dropRuns`` then drops
/// every run that still has a gap. Each drop is recorded in
/// ``selectionReport``. Under ``MissingPolicy/fit`` the gaps stay:
///
/// ```
/// mean_t = Σ_{r ∈ O_t} x_rt / |O_t|,   sd_t² = Σ_{r ∈ O_t} (x_rt − mean_t)² / |O_t|
/// z_rt   = (x_rt − mean_t) / sd_t  for observed cells,   z_rt = 0  for missing ones
/// ```
///
/// with `O_t` the runs observing task t (``observed``). This is the first
/// stage of a **two-stage** estimator, not full-information ML: means and sds
/// are estimated once from the observed cells and then held fixed, so a model
/// fitted on `z` must use ``observed`` to tell real zeros from gaps (a zero
/// at a gap contributes nothing to products such as `ZᵀZ`, but counting it as
/// data would shrink every correlation). With no gap left, the result is
/// bit-identical to the complete-data path.
public struct PreparedSweep: Sendable {
    /// Task names, in file order (after dropping constant and low-coverage tasks).
    public let tasks: [String]
    /// Tasks dropped as constant: every observed value equal, or
    /// `max − min ≤ constantTolerance · max |x|` (``Linalg/Matrix/isConstantColumn(_:relativeTolerance:)``).
    public let droppedTasks: [String]
    /// Run names of the kept rows, in file order.
    public let runNames: [String]
    /// File line of each kept row.
    public let lines: [Int]
    /// The kept rows as positions in the input matrix (`0..<sweep.rowCount`), in order.
    /// `sweep.filteringRows { Set(rowIndices).contains($0) }` lines other columns up with ``runNames``.
    public let rowIndices: [Int]
    /// `+1` for higher-is-better tasks, `−1` for lower-is-better, per task.
    public let signs: [Double]
    /// Raw (unsigned) values, n × p; NaN at missing cells.
    public let raw: Matrix
    /// Signed values and their z-scores (with the means and sds used, over observed cells).
    public let standardization: Standardization
    /// Which cells of ``raw`` and ``z`` are real (n × p); complete unless the policy is ``MissingPolicy/fit``.
    public let observed: ObservedMask
    /// Per task, the share of kept runs that observe it (1 without gaps).
    public let coverage: [Double]
    /// Every task with direction, reason and coverage; dropped runs and tasks; the policy.
    public let selectionReport: SelectionReport

    /// The z-scored data `Z` (n × p), 0 at missing cells.
    public var z: Matrix { standardization.z }

    /// Whether some kept cell is missing (only under ``MissingPolicy/fit``).
    public var hasGaps: Bool { !observed.isComplete }

    /// The rows of `sweep` (the matrix this sweep was prepared from) that were
    /// kept, so that its other columns (held-out metrics, provenance) line up
    /// with ``runNames``.
    ///
    /// - Precondition: `sweep` is the matrix passed to the initializer.
    public func keptRows(of sweep: EvalMatrix) -> EvalMatrix {
        precondition(rowIndices.last.map { $0 < sweep.rowCount } ?? true, "keptRows(of:) needs the prepared matrix")
        if rowIndices.count == sweep.rowCount { return sweep }
        let kept = Set(rowIndices)
        return sweep.filteringRows { kept.contains($0) }
    }

    /// Selects, signs and z-scores the tasks of a complete `sweep`: any missing
    /// task cell is an error (``MissingPolicy/error``).
    ///
    /// - Throws: as ``init(sweep:selection:missing:minCoverage:constantTolerance:minimumRuns:)``.
    public init(
        sweep: EvalMatrix, selection: TaskSelection, constantTolerance: Double = 1e-12, minimumRuns: Int = 3
    ) throws(AnalysisError) {
        try self.init(sweep: sweep, selection: selection, missing: .error, minCoverage: 0,
                      constantTolerance: constantTolerance, minimumRuns: minimumRuns)
    }

    /// Selects, signs and z-scores the tasks of `sweep`, handling gaps by `missing`.
    ///
    /// - Parameters:
    ///   - sweep: the evaluation matrix, rows already filtered (e.g. ``EvalMatrix/completedRuns(statusColumn:value:)``).
    ///   - selection: which columns are tasks and which way is better.
    ///   - missing: what to do with missing cells (``MissingPolicy/fit`` by default elsewhere).
    ///   - minCoverage: in [0, 1]; runs, then tasks, observed on less than this share are dropped
    ///     (0.5 by default elsewhere; ignored by ``MissingPolicy/error``).
    ///   - constantTolerance: drop a task as constant when its observed values are all equal or
    ///     `max − min ≤ constantTolerance · max |x|` (relative, so the decision does not change
    ///     when a task is multiplied by any non-zero factor; 1e-12 is about 4500 ulps).
    ///   - minimumRuns: fewest runs the analysis accepts.
    /// - Throws: the errors of ``TaskSelection/resolve(in:)``, ``AnalysisError/allTasksConstant(file:tasks:)``,
    ///   ``AnalysisError/tooFewRuns(file:needed:actual:)``,
    ///   ``AnalysisError/insufficientCoverage(file:reason:)`` when the drops leave too little,
    ///   ``AnalysisError/invalidOption(_:)`` for `minCoverage` outside [0, 1],
    ///   ``AnalysisError/missingCell(file:line:run:column:)`` (policy ``MissingPolicy/error``) and
    ///   ``AnalysisError/nonNumericCell(file:line:column:value:)`` naming the cell.
    /// - Complexity: O(n·p) plus the selection's numeric checks.
    public init(
        sweep: EvalMatrix, selection: TaskSelection, missing: MissingPolicy, minCoverage: Double,
        constantTolerance: Double = 1e-12, minimumRuns: Int = 3
    ) throws(AnalysisError) {
        guard minCoverage.isFinite, (0...1).contains(minCoverage) else {
            throw .invalidOption("minimum coverage must be in [0, 1], got \(minCoverage)")
        }
        let resolution = try selection.resolve(in: sweep)
        let candidates = resolution.tasks.map(\.name)
        guard sweep.rowCount >= minimumRuns else {
            throw .tooFewRuns(file: sweep.source, needed: minimumRuns, actual: sweep.rowCount)
        }

        // Read, and apply the coverage rule and the policy.
        var all: Matrix, mask: ObservedMask
        var rows = Array(0..<sweep.rowCount), columns = Array(candidates.indices)
        var droppedRuns: [SelectionReport.DroppedRun] = [], droppedForCoverage: [SelectionReport.DroppedTask] = []
        if missing == .error {
            all = try sweep.numericMatrix(columns: candidates)
            mask = ObservedMask(rows: all.rows, columns: all.columns)
        } else {
            (all, mask) = try sweep.numericMatrixWithMask(columns: candidates)
            if !mask.isComplete {
                let p = Double(candidates.count)
                rows = rows.filter { i in
                    let seen = mask.observedCount(row: i)
                    let share = Double(seen) / p
                    if seen > 0, share >= minCoverage { return true }
                    droppedRuns.append(.init(name: sweep.runNames[i], line: sweep.lines[i], coverage: share, reason: .lowCoverage))
                    return false
                }
                columns = columns.filter { j in
                    let seen = rows.reduce(0) { $0 + (mask[$1, j] ? 1 : 0) }
                    let share = rows.isEmpty ? 0 : Double(seen) / Double(rows.count)
                    if seen > 0, share >= minCoverage { return true }
                    droppedForCoverage.append(.init(name: candidates[j], coverage: share, reason: .lowCoverage))
                    return false
                }
                if missing == .dropRuns, !columns.isEmpty {
                    rows = rows.filter { i in
                        let seen = columns.reduce(0) { $0 + (mask[i, $1] ? 1 : 0) }
                        if seen == columns.count { return true }
                        droppedRuns.append(.init(name: sweep.runNames[i], line: sweep.lines[i],
                                                 coverage: Double(seen) / Double(columns.count), reason: .incomplete))
                        return false
                    }
                }
                guard !columns.isEmpty else {
                    throw .insufficientCoverage(file: sweep.source, reason: "no task is observed on at least \(SelectionReport.percent(minCoverage)) of the runs (\(droppedForCoverage.count) task(s) dropped for coverage); lower the minimum coverage or choose other tasks")
                }
                guard rows.count >= minimumRuns else {
                    throw .insufficientCoverage(file: sweep.source, reason: "\(rows.count) run(s) left after dropping \(droppedRuns.count) run(s) with gaps (policy \(missing.rawValue), minimum coverage \(SelectionReport.percent(minCoverage))); the analysis needs at least \(minimumRuns)")
                }
                if rows.count < sweep.rowCount || columns.count < candidates.count {
                    all = all.selectingColumns(columns).selectingRows(rows)
                    mask = mask.selecting(rows: rows, columns: columns)
                }
            }
        }
        let names = columns.map { candidates[$0] }
        let n = all.rows

        // Constant tasks, judged on the observed cells and relative to their
        // magnitude: a task scaled by 1e-100 (or by −100) is as constant as
        // the original, and an absolute threshold on the sd would call every
        // task of tiny values constant and none of huge ones.
        var keep: [Int] = [], dropped: [String] = []
        for j in 0..<all.columns {
            let constant: Bool
            if mask.isComplete {
                constant = all.isConstantColumn(j, relativeTolerance: constantTolerance)
            } else {
                let values = (0..<n).filter { mask[$0, j] }.map { all[$0, j] }
                constant = Statistics.isConstant(values, relativeTolerance: constantTolerance)
            }
            if constant { dropped.append(names[j]) } else { keep.append(j) }
        }
        guard !keep.isEmpty else { throw .allTasksConstant(file: sweep.source, tasks: names) }
        tasks = keep.map { names[$0] }
        droppedTasks = dropped
        rowIndices = rows
        runNames = rows.map { sweep.runNames[$0] }
        lines = rows.map { sweep.lines[$0] }
        let chosen = Dictionary(uniqueKeysWithValues: resolution.tasks.map { ($0.name, $0) })
        signs = tasks.map { chosen[$0]!.direction.sign }
        raw = all.selectingColumns(keep)
        observed = keep.count == mask.columns ? mask : mask.selecting(rows: Array(0..<n), columns: keep)
        var signed = raw
        for j in 0..<signed.columns where signs[j] != 1 {
            for i in 0..<signed.rows { signed[i, j] = signs[j] * signed[i, j] }
        }
        if observed.isComplete {
            standardization = try numerical { () throws(LinalgError) in try signed.standardized(ddof: 0) }
        } else {
            standardization = Self.standardizedOverObserved(signed, observed)
        }
        let keptMask = observed
        let taskCoverage = (0..<keep.count).map { keptMask.coverage(column: $0) }
        coverage = taskCoverage
        let taskReports = tasks.enumerated().map { j, name in
            SelectionReport.Task(name: name, direction: chosen[name]!.direction, reason: chosen[name]!.reason,
                                 coverage: taskCoverage[j])
        }
        let constantReports = dropped.map { name in
            SelectionReport.DroppedTask(name: name, coverage: mask.coverage(column: names.firstIndex(of: name)!),
                                        reason: .constant)
        }
        selectionReport = SelectionReport(
            selection: selection, runColumn: sweep.runColumn, missingPolicy: missing,
            minCoverage: minCoverage, runsRead: sweep.rowCount, runsKept: n, missingCells: observed.missingCount,
            tasks: taskReports, droppedRuns: droppedRuns, droppedTasks: droppedForCoverage + constantReports,
            skippedNonNumeric: resolution.skippedNonNumeric, skippedIndexColumns: resolution.skippedIndexColumns)
    }

    /// Per column, the mean and population sd over the observed cells; NaN for a column with none.
    ///
    /// Two-pass on the values divided by `s = 2^e`, the power of two at the
    /// column's largest observed magnitude (exact), as `Linalg`'s column
    /// statistics do, so data of any finite magnitude (1e300, 1e-300) gives
    /// finite moments:
    ///
    /// ```
    /// u = x / s,   ū = Σ u / m,   SS = Σ (u − ū)²,   mean = ū s,   sd = √(SS / m) s
    /// ```
    static func observedMoments(_ x: Matrix, _ mask: ObservedMask) -> (means: [Double], sds: [Double]) {
        let scaled = scaledObservedMoments(x, mask)
        return (scaled.map { $0.mean * $0.scale }, scaled.map { $0.scaledSD * $0.scale })
    }

    /// Per column: the scale `s`, `ū` and `√(SS / m)` of ``observedMoments(_:_:)`` (NaN without observed cells).
    private static func scaledObservedMoments(_ x: Matrix, _ mask: ObservedMask)
        -> [(scale: Double, inverse: Double, mean: Double, scaledSD: Double)] {
        (0..<x.columns).map { j in
            x.withColumn(j) { c in
                var maxAbs = 0.0, count = 0
                for i in 0..<c.count where mask[i, j] { maxAbs = Swift.max(maxAbs, Swift.abs(c[i])); count += 1 }
                guard count > 0 else { return (1, 1, .nan, .nan) }
                let e = maxAbs.isFinite && maxAbs > 0 ? Swift.min(Swift.max(Int(maxAbs.exponent), -1022), 1023) : 0
                let scale = Double(sign: .plus, exponent: e, significand: 1)
                let inverse = Double(sign: .plus, exponent: -e, significand: 1)
                var sum = 0.0
                for i in 0..<c.count where mask[i, j] { sum += c[i] * inverse }
                let mu = sum / Double(count)
                var ss = 0.0
                for i in 0..<c.count where mask[i, j] { let d = c[i] * inverse - mu; ss += d * d }
                return (scale, inverse, mu, (ss / Double(count)).squareRoot())
            }
        }
    }

    /// `(x − mean) / sd` over observed cells, 0 at missing ones (means and sds
    /// over observed cells), computed on the scaled values as
    /// `(x / s − ū) / √(SS / m)`, so neither `x − mean` nor `1 / sd` can overflow.
    static func standardizedOverObserved(_ x: Matrix, _ mask: ObservedMask) -> Standardization {
        let moments = scaledObservedMoments(x, mask)
        var z = x
        for j in 0..<x.columns {
            let m = moments[j], inv = 1 / m.scaledSD
            for i in 0..<x.rows { z[i, j] = mask[i, j] ? (x[i, j] * m.inverse - m.mean) * inv : 0 }
        }
        return Standardization(z: z, means: moments.map { $0.mean * $0.scale },
                               standardDeviations: moments.map { $0.scaledSD * $0.scale })
    }
}
