import Foundation
import IRTModel
import Linalg

/// A Gaussian-process regression of a score on mixture weights with a squared-exponential
/// kernel of one shared length scale, on the score standardized by its training mean μ and sd s:
///
/// ```
/// (y − μ)/s ~ N(0, K),   K = σf² (R + g I),   R_ij = exp(−‖xᵢ − xⱼ‖² / (2ℓ²))
/// log p(y | ℓ, g) = −n/2 · (log(2π σ̂f²) + 1) − ½ log|R + gI|,   σ̂f² = ỹᵀ(R + gI)⁻¹ỹ / n
/// ŷ(x) = μ + s · r(x)ᵀ (R + gI)⁻¹ ỹ,   r(x)ᵢ = exp(−‖x − xᵢ‖² / (2ℓ²))
/// ```
///
/// σf² is profiled out (its maximum-likelihood value given ℓ and g), so the marginal
/// likelihood is maximized over (log ℓ, log g) only; g = σn²/σf² is the noise-to-signal ratio.
struct GaussianProcessFit: Sendable {
    /// n × p training weights, row-major.
    let points: [Double]
    let n: Int
    let p: Int
    /// ‖xᵢ‖², for the distances.
    let norms: [Double]
    /// s · (R + gI)⁻¹ ỹ: ŷ(x) = μ + Σᵢ αᵢ r(x)ᵢ.
    let alpha: [Double]
    let mean: Double
    let lengthScale: Double
    let noiseRatio: Double
    /// σ̂f² s², the signal variance in the score's units.
    let signalVariance: Double
    /// The profiled log marginal likelihood of the standardized scores at (ℓ, g).
    let logLikelihood: Double

    /// ŷ(x).
    func predict(_ x: [Double]) -> Double {
        let k = kernelRow(x)
        var s = mean
        for i in 0..<n { s += alpha[i] * k[i] }
        return s
    }

    /// r(x)ᵢ = exp(−‖x − xᵢ‖²/(2ℓ²)).
    func kernelRow(_ x: [Double]) -> [Double] {
        let scale = -0.5 / (lengthScale * lengthScale)
        var k = SurrogateSet.squaredDistances(from: x, toRowMajor: points, norms: norms, p: p)
        for i in k.indices { k[i] = exp(scale * k[i]) }
        return k
    }
}

enum GaussianProcess {
    /// The bounds of the search: ℓ within [0.05, 20] times the median pairwise distance, g within [10⁻⁴, 10²].
    static let lengthScaleRange = (0.05, 20.0)
    static let noiseRatioRange = (1e-4, 1e2)

    /// The squared distances ‖xᵢ − xⱼ‖² of the rows of `x` (n × n, column-major).
    static func squaredDistances(_ x: Matrix) -> [Double] {
        let n = x.rows, p = x.columns
        var d = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            for i in (j + 1)..<max(n, j + 1) {
                var s = 0.0
                for c in 0..<p {
                    let t = x[i, c] - x[j, c]
                    s += t * t
                }
                d[i + j * n] = s
                d[j + i * n] = s
            }
        }
        return d
    }

    /// The median of the off-diagonal squared distances (1 when all are 0).
    ///
    /// - Complexity: O(n² log n).
    static func medianSquaredDistance(_ d: [Double], n: Int) -> Double {
        var values: [Double] = []
        values.reserveCapacity(n * (n - 1) / 2)
        for j in 0..<n { for i in (j + 1)..<max(n, j + 1) { values.append(d[i + j * n]) } }
        guard !values.isEmpty else { return 1 }
        values.sort()
        let m = values[values.count / 2]
        return m > 0 ? m : 1
    }

    /// The profiled log marginal likelihood, its σ̂f² and (R + gI)⁻¹ỹ, for standardized scores ỹ.
    ///
    /// - Returns: nil when R + gI is not numerically positive definite.
    /// - Complexity: n² exponentials and an n³/3 Cholesky.
    static func profiledLikelihood(distances d: [Double], n: Int, y: [Double], lengthScale: Double,
                                   noiseRatio: Double) -> (logLikelihood: Double, signal: Double, weights: [Double])? {
        let scale = -0.5 / (lengthScale * lengthScale)
        var a = Matrix(rows: n, columns: n)
        for j in 0..<n {
            a[j, j] = 1 + noiseRatio
            for i in (j + 1)..<max(n, j + 1) { a[i, j] = exp(scale * d[i + j * n]) }
        }
        guard let chol = try? Cholesky(a), let w = try? chol.solve(y) else { return nil }
        var quad = 0.0
        for i in 0..<n { quad += y[i] * w[i] }
        let signal = max(quad / Double(n), 1e-300)
        let ll = -0.5 * Double(n) * (log(2 * Double.pi * signal) + 1) - 0.5 * chol.logDeterminant
        return (ll, signal, w)
    }

    /// The log marginal likelihood log N(y; 0, σf² R + σn² I) written out, for checks:
    /// −½ yᵀK⁻¹y − ½ log|K| − n/2 log 2π.
    static func logMarginalLikelihood(distances d: [Double], n: Int, y: [Double], lengthScale: Double,
                                      signalVariance: Double, noiseVariance: Double) throws(LinalgError) -> Double {
        let scale = -0.5 / (lengthScale * lengthScale)
        let k = Matrix(rows: n, columns: n) { i, j in
            signalVariance * exp(scale * d[i + j * n]) + (i == j ? noiseVariance : 0)
        }
        let chol = try Cholesky(k)
        let w = try chol.solve(y)
        var quad = 0.0
        for i in 0..<n { quad += y[i] * w[i] }
        return -0.5 * quad - 0.5 * chol.logDeterminant - 0.5 * Double(n) * log(2 * Double.pi)
    }

    /// Fits the GP to rows `rows` of the weights, its hyperparameters (log ℓ, log g) by
    /// maximizing the profiled marginal likelihood with Nelder–Mead from the best of a 3 × 2 grid
    /// (ℓ at ½, 1, 2 times `scale`, g at 0.03, 0.3), until the simplex' log likelihoods differ by
    /// less than 0.01 (differences the data cannot tell apart) or after 40 evaluations.
    ///
    /// - Parameters:
    ///   - x: all runs' weights (n × p).
    ///   - distances: their squared distances (n × n).
    ///   - rows: the training rows.
    ///   - y: the training scores, one per row of `rows`.
    ///   - scale: the unit of ℓ's search box and start, the median pairwise distance of the runs
    ///     (a property of the weights alone, so one value serves every fold).
    ///   - fixed: (ℓ, g) to use as they are (no search; bootstrap refits).
    /// - Complexity: one n³/3 Cholesky per likelihood evaluation, at most 6 + 40 evaluations.
    static func fit(x: Matrix, distances: [Double], rows: [Int], y: [Double], scale median: Double,
                    fixed: (Double, Double)? = nil) -> GaussianProcessFit {
        let n = rows.count, total = x.rows, p = x.columns
        var d = [Double](repeating: 0, count: n * n)
        for (b, j) in rows.enumerated() { for (a, i) in rows.enumerated() { d[a + b * n] = distances[i + j * total] } }
        let mu = y.reduce(0, +) / Double(max(n, 1))
        var variance = 0.0
        for v in y { variance += (v - mu) * (v - mu) }
        let sd = (variance / Double(max(n - 1, 1))).squareRoot()
        let ys = y.map { sd > 0 ? ($0 - mu) / sd : 0 }
        let lo = (log(median * lengthScaleRange.0), log(noiseRatioRange.0))
        let hi = (log(median * lengthScaleRange.1), log(noiseRatioRange.1))
        func clamp(_ t: [Double]) -> [Double] { [min(max(t[0], lo.0), hi.0), min(max(t[1], lo.1), hi.1)] }
        func objective(_ t: [Double]) -> Double {
            let c = clamp(t)
            guard let r = profiledLikelihood(distances: d, n: n, y: ys, lengthScale: exp(c[0]), noiseRatio: exp(c[1])) else {
                return .infinity
            }
            // Outside the box the objective grows, so the search comes back.
            let outside = abs(t[0] - c[0]) + abs(t[1] - c[1])
            return -r.logLikelihood + 10 * outside * outside
        }
        var best: [Double]
        if let fixed {
            best = [log(fixed.0), log(fixed.1)]
        } else {
            var initial = [log(median), log(0.1)]
            var bestValue = Double.infinity
            for a in [0.5, 1.0, 2.0] {
                for g in [0.03, 0.3] {
                    let t = [log(median * a), log(g)]
                    let v = objective(t)
                    if v < bestValue { bestValue = v; initial = t }
                }
            }
            best = clamp(NelderMead.minimize(objective, from: initial, step: 0.5, tolerance: 1e-2, maxEvaluations: 40))
        }
        let lengthScale = exp(best[0]), ratio = exp(best[1])
        let result = profiledLikelihood(distances: d, n: n, y: ys, lengthScale: lengthScale, noiseRatio: ratio)
            ?? profiledLikelihood(distances: d, n: n, y: ys, lengthScale: lengthScale, noiseRatio: noiseRatioRange.1)!
        let (points, norms) = SurrogateSet.rowMajor(x, rows: rows)
        return GaussianProcessFit(points: points, n: n, p: p, norms: norms, alpha: result.weights.map { $0 * sd },
                                  mean: mu, lengthScale: lengthScale, noiseRatio: ratio,
                                  signalVariance: result.signal * sd * sd, logLikelihood: result.logLikelihood)
    }
}
