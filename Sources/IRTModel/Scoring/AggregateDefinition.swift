import Foundation
import Linalg

/// How a run's factor scores are combined into its aggregate (METHOD.md §8a):
///
/// ```
/// a = Σ_j c_j θ_j,   Σ_j c_j = 1,   Var(a | c) = cᵀ M c   for a covariance M of θ
/// ```
///
/// ``Kind/mean`` (`c_j = 1/k`) is the default and is computed as before, `Σ_j θ_j / k`
/// and `Σ_ij M_ij / k²`, so that its numbers do not move in the last bit;
/// ``Kind/weights`` are factor weights given by the user, normalized to sum 1;
/// ``Kind/balanced`` gives each factor an equal share of the aggregate's
/// variance across the sweep (``balanced(theta:)``).
public struct AggregateDefinition: Sendable, Codable, Equatable {
    /// Where the factor weights come from.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The mean of θ, `c_j = 1/k`.
        case mean
        /// Factor weights given by the user, normalized to sum 1.
        case weights
        /// Equal shares of the aggregate's sweep variance (``AggregateDefinition/balanced(theta:)``).
        case balanced
    }

    /// Where ``factorWeights`` come from.
    public let kind: Kind
    /// `c` (k), summing to 1.
    public let factorWeights: [Double]

    enum CodingKeys: String, CodingKey { case kind, factorWeights = "factor_weights" }

    /// The number of factors k.
    public var factorCount: Int { factorWeights.count }

    /// The mean of `k` factors, `c_j = 1/k`.
    public static func mean(factors k: Int) -> AggregateDefinition {
        AggregateDefinition(kind: .mean, factorWeights: [Double](repeating: 1 / Double(Swift.max(k, 1)), count: k))
    }

    private init(kind: Kind, factorWeights: [Double]) {
        self.kind = kind
        self.factorWeights = factorWeights
    }

    /// Factor weights `w` normalized to sum 1, `c = w / Σ w`.
    ///
    /// - Parameters:
    ///   - weights: one finite weight per factor; single weights may be negative, their sum must be positive.
    ///   - factors: k, the model's number of factors.
    /// - Throws: ``AnalysisError/aggregateWeightsCount(given:factors:)`` when `weights.count ≠ k`;
    ///   ``AnalysisError/invalidOption(_:)`` for a non-finite weight or a sum ≤ 0.
    public init(weights: [Double], factors: Int) throws(AnalysisError) {
        guard weights.count == factors else { throw .aggregateWeightsCount(given: weights.count, factors: factors) }
        guard weights.allSatisfy(\.isFinite) else {
            throw .invalidOption("aggregate factor weights must be finite numbers (got \(weights))")
        }
        let sum = weights.reduce(0, +)
        guard sum > 0, sum.isFinite else {
            throw .invalidOption("aggregate factor weights must have a positive sum, to be normalized to 1 (got \(weights), sum \(sum))")
        }
        self.init(kind: .weights, factorWeights: weights.map { $0 / sum })
    }

    /// The factor weights that give every factor an equal share of the
    /// aggregate's variance across the sweep (equal risk contributions):
    ///
    /// ```
    /// S = Cov(θ̂) over the sweep's runs (k × k),   c_j (S c)_j / cᵀ S c = 1/k   for every j,   c > 0,   Σ c_j = 1
    /// ```
    ///
    /// `c_j (S c)_j` is factor j's part of `Var(a) = cᵀ S c` (the parts add up to it).
    /// The solution exists and is unique for a positive-definite S: it is
    /// `y / Σ y` for the minimizer y of the strictly convex
    /// `½ yᵀ S y − (1/k) Σ_j ln y_j`, found by cyclic coordinate descent
    /// (each coordinate's minimum is the positive root of a quadratic). With
    /// uncorrelated factors of equal variance it is the mean; a factor that
    /// spreads the runs more gets less weight.
    ///
    /// - Parameter theta: the sweep's factor scores (n × k).
    /// - Returns: `nil` when S is not positive definite (fewer than k + 1 runs, or a
    ///   factor without spread or a combination of factors constant across the sweep).
    /// - Complexity: O(n k²) for S, O(k²) per sweep of the descent (at most 100,000 sweeps).
    public static func balanced(theta: Matrix) -> AggregateDefinition? {
        let n = theta.rows, k = theta.columns
        guard k >= 1, n >= k + 1 else { return nil }
        var s = Matrix(rows: k, columns: k)
        let means = (0..<k).map { j in (0..<n).reduce(0.0) { $0 + theta[$1, j] } / Double(n) }
        for a in 0..<k {
            for b in a..<k {
                var sum = 0.0
                for i in 0..<n { sum += (theta[i, a] - means[a]) * (theta[i, b] - means[b]) }
                s[a, b] = sum / Double(n - 1)
                s[b, a] = s[a, b]
            }
        }
        guard let c = equalRiskWeights(s) else { return nil }
        return AggregateDefinition(kind: .balanced, factorWeights: c)
    }

    /// The equal-risk-contribution weights of a covariance `s` (k × k), summing
    /// to 1 (see ``balanced(theta:)``); `nil` when `s` is not positive definite
    /// (its correlation matrix has a Cholesky pivot below 1e-10: a factor
    /// combination without spread) or the descent does not reach
    /// `max_j |k c_j (S c)_j / cᵀSc − 1| < 1e-10`.
    ///
    /// - Complexity: O(k³) for the check, O(k²) per sweep, at most 100,000 sweeps.
    public static func equalRiskWeights(_ s: Matrix) -> [Double]? {
        let k = s.rows
        guard k >= 1, s.columns == k, (0..<k).allSatisfy({ s[$0, $0] > 0 && s[$0, $0].isFinite }),
              smallestPivot(s) > 1e-10 else { return nil }
        if k == 1 { return [1] }
        let b = 1 / Double(k)
        // y_j = 1/sd_j is the solution when the factors are uncorrelated: start there.
        var y = (0..<k).map { 1 / s[$0, $0].squareRoot() }
        let scale = y.reduce(0, +)
        for j in 0..<k { y[j] /= scale }
        func contributions() -> [Double] {
            let sy = (0..<k).map { a in (0..<k).reduce(0.0) { $0 + s[a, $1] * y[$1] } }
            let total = (0..<k).reduce(0.0) { $0 + y[$1] * sy[$1] }
            return (0..<k).map { y[$0] * sy[$0] / total }
        }
        for _ in 0..<100_000 {
            for j in 0..<k {
                var q = 0.0
                for i in 0..<k where i != j { q += s[j, i] * y[i] }
                let d = s[j, j]
                y[j] = (-q + (q * q + 4 * d * b).squareRoot()) / (2 * d)
            }
            if contributions().allSatisfy({ Swift.abs(Double(k) * $0 - 1) < 1e-12 }) { break }
        }
        guard contributions().allSatisfy({ Swift.abs(Double(k) * $0 - 1) < 1e-10 }), y.allSatisfy({ $0 > 0 }) else {
            return nil
        }
        let sum = y.reduce(0, +)
        return y.map { $0 / sum }
    }

    /// The smallest squared pivot of the Cholesky factor of the correlation
    /// matrix of `s` (≤ 0 when it is not positive definite).
    static func smallestPivot(_ s: Matrix) -> Double {
        let k = s.rows
        let sd = (0..<k).map { s[$0, $0].squareRoot() }
        var l = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var smallest = Double.infinity
        for j in 0..<k {
            var d = s[j, j] / (sd[j] * sd[j])
            for m in 0..<j { d -= l[j][m] * l[j][m] }
            smallest = Swift.min(smallest, d)
            guard d > 0, d.isFinite else { return d.isFinite ? d : -1 }
            l[j][j] = d.squareRoot()
            for i in (j + 1)..<k {
                var x = s[i, j] / (sd[i] * sd[j])
                for m in 0..<j { x -= l[i][m] * l[j][m] }
                l[i][j] = x / l[j][j]
            }
        }
        return smallest
    }

    /// `a = Σ_j c_j θ_j` of one run's scores (`Σ_j θ_j / k` for the mean).
    public func combine(_ theta: [Double]) -> Double {
        let k = factorWeights.count
        guard k > 0 else { return 0 }
        if kind == .mean { return theta.reduce(0, +) / Double(k) }
        var a = 0.0
        for j in 0..<k { a += factorWeights[j] * theta[j] }
        return a
    }

    /// The aggregate of every row of `theta` (n × k).
    public func combine(rows theta: Matrix) -> [Double] {
        (0..<theta.rows).map { combine(theta.row($0)) }
    }

    /// `cᵀ M c` of a k × k matrix given as rows (`Σ_ij M_ij / k²` for the mean,
    /// summed row by row).
    public func quadraticForm(_ m: [[Double]]) -> Double {
        let k = factorWeights.count
        guard k > 0 else { return 0 }
        if kind == .mean { return m.reduce(0) { $0 + $1.reduce(0, +) } / Double(k * k) }
        var s = 0.0
        for a in 0..<k { for b in 0..<k { s += factorWeights[a] * m[a][b] * factorWeights[b] } }
        return s
    }

    /// `sqrt(max(0, cᵀ V c))` of a k × k covariance (`sqrt(Σ_ij V_ij) / k` for the mean).
    public func sd(_ v: Matrix) -> Double {
        let k = v.rows
        guard k > 0 else { return 0 }
        var s = 0.0
        if kind == .mean {
            for i in 0..<k { for j in 0..<k { s += v[i, j] } }
            return Swift.max(s, 0).squareRoot() / Double(k)
        }
        for i in 0..<k { for j in 0..<k { s += factorWeights[i] * v[i, j] * factorWeights[j] } }
        return Swift.max(s, 0).squareRoot()
    }

    /// How the aggregate is made, in words: "mean of θ" or "0.3·θ1 + 0.7·θ2, balanced".
    public var formula: String { Self.formula(kind: kind, factorWeights: factorWeights) }

    /// The ``formula`` of factor weights `c` of kind `kind`.
    public static func formula(kind: Kind, factorWeights c: [Double]) -> String {
        if kind == .mean { return "mean of θ" }
        let terms = c.enumerated().map { j, w in "\(short(w))·θ\(j + 1)" }.joined(separator: " + ")
            .replacingOccurrences(of: "+ -", with: "− ")
        return terms + (kind == .balanced ? ", balanced" : ", given weights")
    }

    /// Three significant digits.
    static func short(_ x: Double) -> String { String(format: "%.3g", x) }
}
