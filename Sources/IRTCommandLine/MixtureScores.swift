import IRTMixture
import IRTModel
import Linalg

/// The scores the mixture step explains (``MixtureScore``), from a finished
/// analysis or a saved model: the aggregate `a = Σ_j c_j θ_j`, every factor
/// `θ_J` and, when it is the objective, the balanced aggregate.
///
/// Each score's noise share is its seed variance over its variance across the
/// runs given, from the seed noise the model measured on replicate runs
/// (``SeedNoise``, METHOD.md §7a):
///
/// ```
/// s = wᵀθ̂,   noise share = min(1, wᵀ Σ̂ w / Var_runs(s))   (Var with divisor n − 1)
/// ```
///
/// with `w = e_J` for `θ_J`, `w = c` for the aggregate and the balanced `c` for
/// the balanced aggregate; Σ̂ is `seed_noise.covariance`. The mixture step's
/// ceiling on the out-of-fold R² is `1 − noise share`. Without seed noise (no
/// noise file, or fewer than 3 replicates) the share is `nil` and no ceiling
/// is shown.
enum MixtureScores {
    /// The scores of `runs` (rows of k factor scores).
    ///
    /// - Parameters:
    ///   - theta: one row of k factor scores per run.
    ///   - aggregate: the aggregate's factor weights c (k, summing to 1).
    ///   - aggregateFormula: how the aggregate is defined, for its label ("mean of θ").
    ///   - factorLabels: one label per factor.
    ///   - balanced: the balanced aggregate's factor weights, when it is a score.
    ///   - seedNoise: the model's seed noise, if any.
    /// - Complexity: O(n k²).
    static func scores(theta: [[Double]], aggregate c: [Double], aggregateFormula: String, factorLabels: [String],
                       balanced: [Double]?, seedNoise: SeedNoise?) -> [MixtureScore] {
        let k = c.count
        func combination(_ w: [Double]) -> [Double] {
            theta.map { row in (0..<k).reduce(0.0) { $0 + w[$1] * (row.indices.contains($1) ? row[$1] : .nan) } }
        }
        func share(_ w: [Double], _ values: [Double]) -> Double? {
            guard let sigma = seedNoise?.covariance, sigma.count == k, values.count >= 2 else { return nil }
            var noise = 0.0
            for a in 0..<k { for b in 0..<k { noise += w[a] * sigma[a][b] * w[b] } }
            let variance = Self.variance(values)
            guard variance > 0, noise.isFinite else { return nil }
            return Swift.min(1, Swift.max(0, noise / variance))
        }
        var scores: [MixtureScore] = []
        let a = combination(c)
        scores.append(MixtureScore(name: "aggregate", label: aggregateFormula, values: a, noiseShare: share(c, a)))
        for j in 0..<k {
            var e = [Double](repeating: 0, count: k)
            e[j] = 1
            let values = combination(e)
            let label = j < factorLabels.count ? factorLabels[j] : "factor \(j + 1)"
            scores.append(MixtureScore(name: "theta_\(j + 1)", label: label, values: values, noiseShare: share(e, values)))
        }
        if let balanced, balanced.count == k {
            let values = combination(balanced)
            scores.append(MixtureScore(name: "balanced", label: AggregateDefinition.formula(kind: .balanced, factorWeights: balanced),
                                       values: values, noiseShare: share(balanced, values)))
        }
        return scores
    }

    /// The balanced aggregate's factor weights for a sweep: the aggregate's own
    /// when it is balanced, else the balanced comparison's, else computed from θ.
    ///
    /// - Throws: ``MixtureError/invalidOption(_:)`` when the balanced aggregate is undefined (`note` says why).
    static func balancedWeights(definition: AggregateDefinition?, comparison: [Double]?, theta: [[Double]],
                                note: String?) throws(MixtureError) -> [Double] {
        if let definition, definition.kind == .balanced { return definition.factorWeights }
        if let comparison { return comparison }
        let k = theta.first?.count ?? 0
        var m = Matrix(rows: theta.count, columns: k)
        for (i, row) in theta.enumerated() { for j in 0..<k { m[i, j] = row[j] } }
        if let computed = AggregateDefinition.balanced(theta: m) { return computed.factorWeights }
        throw .invalidOption("--objective balanced: the balanced aggregate is undefined for this sweep (\(note ?? "the factor scores' covariance is not positive definite")); choose --objective aggregate or factor:J")
    }

    /// The sample variance (divisor n − 1) of the finite values; 0 below two.
    static func variance(_ x: [Double]) -> Double {
        let v = x.filter(\.isFinite)
        guard v.count >= 2 else { return 0 }
        let mean = v.reduce(0, +) / Double(v.count)
        return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
    }
}
