import Foundation

// To be replaced by Linalg's special functions: the χ²/gamma code is being
// moved out of SignalToNoise.swift into Linalg, with these same functions.
// Until then this file keeps FitStatistics self-contained. Internal only.

/// χ² distribution functions for ``FitStatistics``: central CDF and upper
/// tail, the non-central CDF, and the non-centrality that puts a statistic at
/// a given CDF value.
///
/// ```
/// F(x; k)    = P(k/2, x/2)                                  (central CDF)
/// Q(x; k)    = 1 − F(x; k) = Q(k/2, x/2)                    (upper tail)
/// F(x; k, λ) = Σ_{j≥0} e^{−λ/2} (λ/2)^j / j! · P(k/2 + j, x/2)   (non-central CDF)
/// ```
///
/// with `P`, `Q` the regularized incomplete gamma functions. The upper tail is
/// computed directly (not as `1 − P`), so p-values far below 1e-16 keep their
/// relative accuracy.
enum ChiSquareFunctions {
    /// The regularized incomplete gamma functions `(P(a, x), Q(a, x))`,
    /// `P = γ(a, x) / Γ(a)`, `Q = 1 − P`.
    ///
    /// Series for `x < a + 1` (gives P; Q = 1 − P is then ≥ ~0.08, no
    /// cancellation), Lentz's continued fraction otherwise (gives Q directly).
    /// Both to relative 1e-16.
    ///
    /// - Parameters:
    ///   - a: shape, > 0.
    ///   - x: argument, ≥ 0.
    /// - Returns: NaN for `a ≤ 0` or a NaN argument.
    /// - Complexity: O(√a) terms for x near a; O(1) far from it.
    static func regularizedGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        guard a > 0, !x.isNaN else { return (.nan, .nan) }
        guard x > 0 else { return (0, 1) }
        if x == .infinity { return (1, 0) }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<100_000 {
                n += 1
                term *= x / n
                sum += term
                if term < sum * 1e-17 { break }
            }
            let p = Swift.min(sum * exp(logPrefix), 1)
            return (p, 1 - p)
        }
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        let q = Swift.min(exp(logPrefix) * h, 1)
        return (1 - q, q)
    }

    /// The central χ² CDF `F(x; k) = P(k/2, x/2)`; 0 for `x ≤ 0`.
    ///
    /// - Parameters:
    ///   - x: the statistic.
    ///   - k: degrees of freedom, > 0.
    static func cdf(_ x: Double, degreesOfFreedom k: Double) -> Double {
        x <= 0 ? 0 : regularizedGamma(k / 2, x / 2).p
    }

    /// The upper tail `Q(x; k) = P(χ²_k > x) = Q(k/2, x/2)` (the p-value of `x`);
    /// 1 for `x ≤ 0`.
    ///
    /// - Parameters:
    ///   - x: the statistic.
    ///   - k: degrees of freedom, > 0.
    static func upperTail(_ x: Double, degreesOfFreedom k: Double) -> Double {
        x <= 0 ? 1 : regularizedGamma(k / 2, x / 2).q
    }

    /// The non-central χ² CDF as a Poisson mixture of central ones:
    ///
    /// ```
    /// F(x; k, λ) = Σ_{j≥0} w_j P(k/2 + j, x/2),   w_j = e^{−μ} μ^j / j!,   μ = λ/2
    /// ```
    ///
    /// Summed outwards from the Poisson mode `⌊μ⌋` (weights by recurrence from
    /// the mode's, computed in logs), each direction stopped when a geometric
    /// bound on the Poisson mass left is below 1e-17. Absolute error ~1e-15.
    ///
    /// - Parameters:
    ///   - x: the statistic.
    ///   - k: degrees of freedom, > 0.
    ///   - lambda: non-centrality λ ≥ 0 (λ = 0 is the central CDF).
    /// - Complexity: O(√λ + 40) central CDFs.
    static func nonCentralCDF(_ x: Double, degreesOfFreedom k: Double, noncentrality lambda: Double) -> Double {
        guard x > 0 else { return 0 }
        guard lambda > 0 else { return cdf(x, degreesOfFreedom: k) }
        let mu = lambda / 2, half = x / 2, a = k / 2
        let mode = (mu).rounded(.down)
        let modeWeight = exp(-mu + mode * log(mu) - lgamma(mode + 1))
        let tolerance = 1e-17
        var sum = 0.0
        // Upwards from the mode: w_{j+1} = w_j μ / (j + 1), P(a + j) decreasing.
        var j = mode, w = modeWeight
        while true {
            sum += w * regularizedGamma(a + j, half).p
            let ratio = mu / (j + 2)
            w *= mu / (j + 1)
            j += 1
            if w == 0 || (ratio < 1 && w / (1 - ratio) < tolerance) { break }
        }
        // Downwards: w_{j−1} = w_j j / μ.
        j = mode
        w = modeWeight
        while j > 0 {
            w *= j / mu
            j -= 1
            sum += w * regularizedGamma(a + j, half).p
            let ratio = j / mu
            if w == 0 || w * ratio / (1 - ratio) < tolerance { break }
        }
        return Swift.min(Swift.max(sum, 0), 1)
    }

    /// The non-centrality λ ≥ 0 with `F(x; k, λ) = target`, by bracketing
    /// (doubling) and bisection to relative 1e-12; `F` decreases in λ.
    ///
    /// - Parameters:
    ///   - x: the statistic.
    ///   - target: the CDF value sought, in (0, 1).
    ///   - k: degrees of freedom, > 0.
    /// - Returns: 0 when no λ ≥ 0 attains the target (`F(x; k, 0) ≤ target`:
    ///   the statistic is already at or below that quantile of the central χ²).
    /// - Complexity: ~60 evaluations of ``nonCentralCDF(_:degreesOfFreedom:noncentrality:)``.
    static func noncentrality(placing x: Double, atCDF target: Double, degreesOfFreedom k: Double) -> Double {
        guard x > 0, target > 0, target < 1, cdf(x, degreesOfFreedom: k) > target else { return 0 }
        var lo = 0.0, hi = Swift.max(x, 1)
        // F(x; k, λ) → 0 as λ → ∞; the bound is reached within a few doublings.
        while nonCentralCDF(x, degreesOfFreedom: k, noncentrality: hi) > target {
            lo = hi
            hi *= 2
            if hi > 1e12 { return .infinity }
        }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if nonCentralCDF(x, degreesOfFreedom: k, noncentrality: mid) > target { lo = mid } else { hi = mid }
            if hi - lo <= 1e-12 * hi { break }
        }
        return (lo + hi) / 2
    }
}
