import Foundation

/// The non-central χ² distribution with `k` degrees of freedom and
/// non-centrality `λ` (the law of `Σᵢ (Zᵢ + μᵢ)²` with `Σ μᵢ² = λ`): the
/// distribution of a model's χ² statistic under misfit, behind RMSEA's
/// confidence interval.
///
/// Its CDF is a Poisson(λ/2) mixture of central χ² CDFs:
///
/// ```
/// F(x; k, λ) = Σⱼ e^(−λ/2) (λ/2)ʲ / j! · P(k/2 + j, x/2)
/// ```
///
/// summed from the largest Poisson weight `j₀ = ⌊λ/2⌋` outwards in both
/// directions (Benton & Krishnamoorthy 2003, Comput. Stat. Data Anal. 43), with
/// `P` from ``Gamma`` at `j₀` only and the recurrence
/// `P(a + 1, y) = P(a, y) − yᵃ e⁻ʸ / Γ(a + 1)` for the others. The sum stops
/// when the Poisson mass left, times the largest `P` it could multiply, is
/// below 1e-15, so the result is accurate to about 1e-13 absolute.
///
/// The sum needs O(√λ) terms, so for `λ/2 > ` ``seriesLimit`` (10⁶; a model χ²
/// of millions, e.g. a correlation matrix given with n = 10⁹ observations) the
/// CDF is Sankaran's (1959, Biometrika 46) normal approximation instead, whose
/// cost does not grow with λ:
///
/// ```
/// h = 1 − ⅔ (k + λ)(k + 3λ) / (k + 2λ)²,   p = (k + 2λ) / (k + λ)²,   m = (h − 1)(1 − 3h)
/// z = [ (x / (k + λ))ʰ − 1 − h p (h − 1 − (1 − h/2) m p) ] / [ h √(2p) (1 + m p / 2) ]
/// F ≈ Φ(z)
/// ```
///
/// Its error falls with λ; at the switch it is below 1e-7 (checked against the sum).
///
/// Mathematical properties: `F` falls strictly as `λ` grows (for `x > 0`);
/// `λ = 0` is the central χ² of ``ChiSquare``; the mean is `k + λ`.
public enum NonCentralChiSquare {
    /// The CDF `F(x; k, λ) = Pr(X ≤ x)`.
    ///
    /// - Parameters:
    ///   - x: the point; `F = 0` for `x ≤ 0`, `1` for `x = +∞`.
    ///   - k: degrees of freedom, `k > 0` (not necessarily an integer).
    ///   - lambda: the non-centrality `λ ≥ 0`.
    /// - Returns: `F` in [0, 1]; NaN for `k ≤ 0`, `λ < 0` or NaN arguments.
    /// - Complexity: one incomplete gamma function plus O(√λ) terms, at most
    ///   O(√``seriesLimit``); O(1) above it.
    public static func cdf(_ x: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
        guard k > 0, lambda >= 0, lambda.isFinite, !x.isNaN else { return .nan }
        guard x > 0 else { return 0 }
        guard x.isFinite else { return 1 }
        if lambda == 0 { return ChiSquare.cdf(x, degreesOfFreedom: k) }
        if lambda / 2 > seriesLimit { return sankaran(x, degreesOfFreedom: k, noncentrality: lambda) }
        return series(x, degreesOfFreedom: k, noncentrality: lambda)
    }

    /// The largest Poisson mean `λ/2` summed term by term; above it ``cdf(_:degreesOfFreedom:noncentrality:)``
    /// is Sankaran's approximation.
    public static let seriesLimit = 1e6

    /// Sankaran's normal approximation of `F(x; k, λ)` (see the type), for `x > 0`, `k > 0`, `λ > 0`.
    ///
    /// - Complexity: O(1).
    static func sankaran(_ x: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
        let a = k + lambda, b = k + 2 * lambda, c = k + 3 * lambda
        let h = 1 - 2.0 / 3.0 * a * c / (b * b)
        let p = b / (a * a)
        let m = (h - 1) * (1 - 3 * h)
        let numerator = Foundation.pow(x / a, h) - 1 - h * p * (h - 1 - (1 - h / 2) * m * p)
        let denominator = h * (2 * p).squareRoot() * (1 + m * p / 2)
        return Normal.cdf(numerator / denominator)
    }

    /// The Poisson-mixture sum of the type, for `x > 0` finite, `k > 0`, `λ > 0`.
    ///
    /// - Complexity: one incomplete gamma function plus O(√λ) terms.
    static func series(_ x: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
        let tolerance = 1e-15
        let a = k / 2, y = x / 2, h = lambda / 2
        let j0 = h.rounded(.down)
        var sign: Int32 = 0
        // The Poisson weight, P(a + j, y), and yᵃ⁺ʲ e⁻ʸ / Γ(a + j + 1) at the mode j₀.
        let w0 = Foundation.exp(-h + j0 * Foundation.log(h) - lgamma_r(j0 + 1, &sign))
        let p0 = Gamma.regularizedLower(a + j0, y)
        let t0 = Foundation.exp((a + j0) * Foundation.log(y) - y - lgamma_r(a + j0 + 1, &sign))
        var sum = w0 * p0, mass = w0

        // Downwards: w_{j−1} = w_j · j / h, P(a + j − 1) = P(a + j) + t(a + j − 1).
        var w = w0, p = p0, t = t0, j = j0
        while j > 0 {
            if t > 0 { t *= (a + j) / y }  // t = 0 (underflow, x ≪ mean) stays 0, never 0 · ∞
            w *= j / h
            j -= 1
            p += t
            sum += w * p
            mass += w
            // The weights left below j fall faster than geometrically with ratio j / h
            // (P ≤ 1), so their total is at most w · r / (1 − r).
            let r = j / h
            if r < 1, w * r / (1 - r) < tolerance { break }
        }

        // Upwards: w_{j+1} = w_j · h / (j + 1), P(a + j + 1) = P(a + j) − t(a + j).
        w = w0; p = p0; t = t0; j = j0
        let limit = j0 + 1000 + 40 * h.squareRoot()
        while j < limit {
            p -= t
            j += 1
            t *= y / (a + j)
            w *= h / j
            sum += w * p
            mass += w
            // P falls in j, so the rest adds at most (mass left) · P; the cap
            // `limit` (40 standard deviations past the mode) ends the loop when
            // rounding keeps `1 − mass` from reaching 0.
            if (1 - mass) * Swift.max(p, 0) < tolerance || w == 0 { break }
        }
        return Swift.min(Swift.max(sum, 0), 1)
    }

    /// The non-centrality `λ ≥ 0` at which `F(x; k, λ) = p` — the inversion
    /// behind RMSEA's confidence interval: for a model χ² statistic `x` on `k`
    /// degrees of freedom and N observations, the 90% interval of the
    /// non-centrality is `[λ(0.95), λ(0.05)]`, and
    ///
    /// ```
    /// RMSEA bound = √(max(λ, 0) / (k (N − 1)))
    /// ```
    ///
    /// `F` falls strictly in `λ`, so the root is unique when it exists. When
    /// even `λ = 0` gives `F(x; k, 0) ≤ p` — the statistic is too small for
    /// any misfit to reach the target — the answer is 0 (the interval's
    /// bound sits at the boundary), not a negative number.
    ///
    /// Found by doubling an upper bracket from `max(1, x)` and bisecting to a
    /// relative width of 1e-13.
    ///
    /// - Parameters:
    ///   - p: the target CDF value, `0 < p < 1`.
    ///   - x: the point, `x ≥ 0`, finite.
    ///   - k: degrees of freedom, `k > 0`.
    /// - Returns: `λ`, or NaN for arguments outside these ranges.
    /// - Complexity: about 50 evaluations of ``cdf(_:degreesOfFreedom:noncentrality:)``.
    public static func noncentrality(cdf p: Double, at x: Double, degreesOfFreedom k: Double) -> Double {
        guard p > 0, p < 1, k > 0, x >= 0, x.isFinite else { return .nan }
        func f(_ lambda: Double) -> Double { cdf(x, degreesOfFreedom: k, noncentrality: lambda) }
        if f(0) <= p { return 0 }
        var lo = 0.0, hi = Swift.max(1, x)
        while f(hi) > p {
            lo = hi
            hi *= 2
            if !hi.isFinite { return .nan }
        }
        for _ in 0..<300 {
            let mid = (lo + hi) / 2
            if f(mid) > p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return (lo + hi) / 2
    }
}
