import Foundation
import IRTModel
import Linalg

/// Which columns move which score.
enum Effects {
    /// The q-quantile of `values` (linear interpolation between order statistics).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// Ridge coefficients with percentile bootstrap 95% intervals: each of `resamples` draws
    /// resamples the runs with replacement and refits every score with its full-data penalty.
    ///
    /// - Parameters:
    ///   - x: n × p weights.
    ///   - ys: the scores.
    ///   - fits: the full-data ridge fit of each score (its β is the estimate, its λ is kept).
    ///   - resamples: bootstrap draws (≥ 2).
    ///   - seed: the seed of the draws.
    /// - Returns: [score][column] (estimate, lower, upper).
    /// - Complexity: `resamples` decompositions of a resampled X, O(resamples · scores · n m).
    static func ridgeIntervals(x: Matrix, ys: [[Double]], fits: [RidgeFit], resamples: Int,
                               seed: UInt64) throws(LinalgError) -> [[(Double, Double, Double)]] {
        let n = x.rows, p = x.columns
        var draws = [[[Double]]](repeating: [[Double]](repeating: [], count: p), count: ys.count)
        var rng = Xoshiro256StarStar.mixtureStream(seed, .bootstrap)
        for _ in 0..<resamples {
            let rows = rng.resample(n)
            let decomposition = try RidgeDecomposition(x: x.selectingRows(rows))
            for s in ys.indices {
                let fit = decomposition.fit(rows.map { ys[s][$0] }, lambda: fits[s].lambda)
                for j in 0..<p { draws[s][j].append(fit.beta[j]) }
            }
        }
        return ys.indices.map { s in
            (0..<p).map { j in (fits[s].beta[j], quantile(draws[s][j], 0.025), quantile(draws[s][j], 0.975)) }
        }
    }

    /// The average change of each member's prediction when 1% of a phase's weight moves into
    /// column c from the phase's other columns in proportion to their weights,
    /// x' = 0.99 x_phase + 0.01 m e_c (m the phase's total), to first order:
    ///
    /// ```
    /// Δ_c = (1/n) Σᵢ 0.01 · (m ∂f/∂x_c − Σ_{c' ∈ phase} x_{ic'} ∂f/∂x_{c'})  at xᵢ
    /// ```
    ///
    /// - Parameters:
    ///   - set: the surrogates (usually the GPs of every score).
    ///   - x: the observed runs' weights, where the change is averaged.
    ///   - geometry: the phases.
    /// - Returns: [member][column].
    /// - Complexity: n · members gradient evaluations.
    static func partialEffects(_ set: SurrogateSet, x: Matrix, geometry: MixtureGeometry,
                               step: Double = 0.01) -> [[Double]] {
        let n = x.rows, p = x.columns
        var effects = [[Double]](repeating: [Double](repeating: 0, count: p), count: set.members.count)
        for i in 0..<n {
            let xi = x.row(i)
            for s in set.members.indices {
                let gradient = set.evaluate(xi, gradientWeights: { values in
                    var w = [Double](repeating: 0, count: values.count)
                    w[s] = 1
                    return w
                }).gradient
                for phase in geometry.phases {
                    var mass = 0.0, along = 0.0
                    for c in phase {
                        mass += xi[c]
                        along += xi[c] * gradient[c]
                    }
                    for c in phase { effects[s][c] += step * (mass * gradient[c] - along) / Double(n) }
                }
            }
        }
        return effects
    }
}
