import Linalg

extension FittedModel {
    /// Scores the runs of `runs` from whichever of the model's tasks they have.
    ///
    /// A model task absent from the file, or an empty cell, is unobserved for
    /// that run; each run is scored by the exact Gaussian posterior of its
    /// observed tasks (``Posterior``), and gets a coverage (share of the model's
    /// tasks observed). Runs with no task at all are skipped and listed in
    /// ``RunScores/skipped``.
    ///
    /// - Throws: ``AnalysisError/noModelTask(file:tasks:)`` when no run has any
    ///   of the model's tasks; ``AnalysisError/nonNumericCell(file:line:column:value:)``
    ///   and ``AnalysisError/nonFiniteCell(file:line:column:value:)`` naming the cell.
    /// - Complexity: O(n p k) plus O(p k² + k³) per distinct pattern of observed tasks.
    public func score(_ runs: EvalMatrix) throws(AnalysisError) -> RunScores {
        let z = try standardized(runs)
        let observed = z.map { row in row.indices.filter { row[$0] != nil } }
        guard observed.contains(where: { !$0.isEmpty }) else {
            throw .noModelTask(file: runs.source, tasks: tasks.map(\.name))
        }
        return try score(observed: observed, value: { i, t in z[i][t] ?? 0 },
                         runNames: runs.runNames, lines: runs.lines)
    }

    /// Scores z-scored rows on every task (n × p, in the model's task order).
    /// Scores z-scored rows (n × p, in the model's task order), on every task or on those `observed` marks.
    /// Every row of `runs` on the model's tasks, signed and z-scored with the
    /// sweep's statistics, `(sign · x − mean_t) / sd_t`; `nil` where the cell
    /// is missing or the file has no such task (rows × p, in ``tasks`` order).
    ///
    /// - Throws: ``AnalysisError`` when a task column holds a non-number.
    /// - Complexity: O(n p).
    func standardized(_ runs: EvalMatrix) throws(AnalysisError) -> [[Double?]] {
        let n = runs.rowCount, p = tasks.count
        var z = [[Double?]](repeating: [Double?](repeating: nil, count: p), count: n)
        for (t, task) in tasks.enumerated() where runs.hasColumn(task.name) {
            let values = try runs.numbers(task.name)
            let sign = task.direction.sign
            for i in 0..<n {
                if let x = values[i] { z[i][t] = (sign * x - task.mean) / task.sd }
            }
        }
        return z
    }

    func score(standardized z: Matrix, runNames: [String], lines: [Int], observed: ObservedMask? = nil) throws(AnalysisError) -> RunScores {
        let all = Array(tasks.indices)
        let patterns = (0..<z.rows).map { r in observed.map { mask in all.filter { mask[r, $0] } } ?? all }
        return try score(observed: patterns, value: { z[$0, $1] }, runNames: runNames, lines: lines)
    }

    /// Groups runs by their pattern of observed tasks and projects each group with its posterior.
    private func score(
        observed: [[Int]], value: (Int, Int) -> Double, runNames: [String], lines: [Int]
    ) throws(AnalysisError) -> RunScores {
        let k = factorCount, definition = aggregateDefinition
        var patternOf: [[Int]: Int] = [:]
        var patterns: [[Int]] = []
        var members: [[Int]] = []
        var skipped: [SkippedRun] = []
        for (i, o) in observed.enumerated() {
            guard !o.isEmpty else {
                skipped.append(SkippedRun(run: runNames[i], line: lines[i], reason: "no task of the model observed"))
                continue
            }
            if let g = patternOf[o] { members[g].append(i) } else {
                patternOf[o] = patterns.count
                patterns.append(o)
                members.append([i])
            }
        }
        var thetaRows = [[Double]](repeating: [], count: observed.count)
        var index = [Int](repeating: -1, count: observed.count)
        var covariances: [Matrix] = []
        var aggregateSDs: [Double] = [], thetaSDs: [[Double]] = []
        for (g, o) in patterns.enumerated() {
            let posterior = try posterior(observed: o)
            let rows = members[g]
            let zo = Matrix(rows: rows.count, columns: o.count) { r, c in value(rows[r], o[c]) }
            let theta = try posterior.means(zo)
            for (r, i) in rows.enumerated() {
                thetaRows[i] = theta.row(r)
                index[i] = g
            }
            covariances.append(posterior.covariance)
            aggregateSDs.append(posterior.aggregateSD(definition))
            thetaSDs.append(posterior.thetaSD)
        }
        let kept = observed.indices.filter { index[$0] >= 0 }
        let p = Double(tasks.count)
        let theta = Matrix(rows: kept.count, columns: k) { r, j in thetaRows[kept[r]][j] }
        return RunScores(
            runNames: kept.map { runNames[$0] }, lines: kept.map { lines[$0] }, theta: theta,
            aggregate: kept.map { definition.combine(thetaRows[$0]) },
            aggregateSD: kept.map { aggregateSDs[index[$0]] }, thetaSD: kept.map { thetaSDs[index[$0]] },
            coverage: kept.map { Double(observed[$0].count) / p }, covariances: covariances,
            covarianceIndex: kept.map { index[$0] }, skipped: skipped)
    }
}
