import Linalg

extension SeedNoise {
    /// Each replicate run's deviation from its mixture in score space, scored
    /// with weights that do not depend on its own noise (METHOD.md §7a).
    ///
    /// The anchored uniquenesses are the replicates' own variances (§5), so the
    /// fitted weights `W = (I + ΛᵀΨ⁻¹Λ)⁻¹ΛᵀΨ⁻¹` lean on the tasks whose replicates
    /// happened to vary least, and the same replicates scored with `W` vary
    /// less than a new seed would: with ν = m − 1 df per task the in-sample
    /// variance runs low by about ν/(ν − 4) when the weights follow 1/ψ (1.8×
    /// with 10 replicates). Replicate i is therefore scored without itself:
    ///
    /// ```
    /// ψ_t^(−i) = clamp(ψ_t · s²_t,(−i) / s²_t)        anchored tasks; free tasks keep ψ_t
    /// W^(−i) = (I + ΛᵀΨ^(−i)⁻¹Λ)⁻¹ΛᵀΨ^(−i)⁻¹          over the tasks i observes
    /// d_i = W^(−i) ((z_i − z̄_g,(−i)) ∘ (m_gt − 1)/m_gt)
    /// ```
    ///
    /// with `s²_t` the variance of task t over every replicate row observing it
    /// (as the noise floor takes it), `s²_t,(−i)` without row i, `z̄_g,(−i)` the
    /// mean of the other replicates of i's group and `m_gt` the group's rows
    /// observing t. With fixed weights, `d_i = θ̂_i − θ̄_g` exactly, so
    /// ``init(deviations:posteriors:)`` is then the plain estimate; Λ is the
    /// full fit's (refitting it per replicate changes the weights far less).
    ///
    /// - Parameters:
    ///   - z: the replicate rows standardized on the model's tasks
    ///     (``FittedModel/standardized(_:)``), `nil` for a missing cell.
    ///   - model: the fitted model.
    ///   - groups: each row's mixture; `nil`: one mixture.
    ///   - anchorClamp: the range anchored uniquenesses are clamped to (the fit's).
    /// - Returns: one deviation (k) per row; a row with no task that another
    ///   replicate of its group also observes gets zeros.
    /// - Throws: ``AnalysisError/numerical(_:)`` when a posterior cannot be formed.
    /// - Complexity: O(m p k² + m k³) time, O(m p) memory.
    static func leaveOneOutDeviations(z: [[Double?]], model: FittedModel, groups: [String]? = nil,
                                      anchorClamp: ClosedRange<Double> = 1e-3...0.999) throws(AnalysisError) -> [[Double]] {
        let m = z.count, p = model.tasks.count, k = model.factorCount
        let labels = groups ?? [String](repeating: "", count: m)
        precondition(labels.count == m, "one group label per replicate row")
        // Per task, the sums over every row for the anchor's variance.
        var count = [Double](repeating: 0, count: p), sum = count, squares = count
        for row in z { for t in 0..<p { if let x = row[t] { count[t] += 1; sum[t] += x; squares[t] += x * x } } }
        func variance(_ n: Double, _ s: Double, _ q: Double) -> Double { n >= 2 ? Swift.max(0, (q - s * s / n) / (n - 1)) : .nan }
        let loadings = model.loadings, psi = model.psi
        var deviations = [[Double]](repeating: [Double](repeating: 0, count: k), count: m)
        for rows in members(labels).rows {
            var groupCount = [Double](repeating: 0, count: p), groupSum = groupCount
            for i in rows { for t in 0..<p { if let x = z[i][t] { groupCount[t] += 1; groupSum[t] += x } } }
            for i in rows {
                var observed: [Int] = [], residual: [Double] = []
                var looPsi = psi
                for t in 0..<p {
                    guard let x = z[i][t], groupCount[t] >= 2 else { continue }
                    let others = groupCount[t] - 1
                    observed.append(t)
                    residual.append((x - (groupSum[t] - x) / others) * others / groupCount[t])
                    guard model.tasks[t].anchored else { continue }
                    let all = variance(count[t], sum[t], squares[t])
                    let without = variance(count[t] - 1, sum[t] - x, squares[t] - x * x)
                    if all > 0, without.isFinite {
                        looPsi[t] = Swift.min(Swift.max(psi[t] * without / all, anchorClamp.lowerBound),
                                              anchorClamp.upperBound)
                    }
                }
                guard !observed.isEmpty else { continue }
                let posterior = try Posterior(loadings: loadings, psi: looPsi, observed: observed)
                let d = try posterior.means(Matrix(rows: 1, columns: observed.count) { _, c in residual[c] })
                deviations[i] = d.row(0)
            }
        }
        return deviations
    }
}
