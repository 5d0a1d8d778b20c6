/// The χ² distribution with `k` degrees of freedom (k > 0, not necessarily an integer).
///
/// ```
/// F(x; k) = P(k/2, x/2),   1 − F(x; k) = Q(k/2, x/2)
/// ```
///
/// with `P`, `Q` the regularized incomplete gamma functions of ``Gamma``.
/// The upper tail is computed as `Q` directly, so a p-value of 1e-200 keeps
/// its digits instead of being `1 − 1 = 0`.
public enum ChiSquare {
    /// The CDF `F(x; k) = Pr(X ≤ x)`.
    ///
    /// - Returns: 0 for `x ≤ 0`; NaN for `k ≤ 0` or NaN arguments.
    public static func cdf(_ x: Double, degreesOfFreedom k: Double) -> Double {
        Gamma.regularizedLower(k / 2, x / 2)
    }

    /// The upper tail `Pr(X > x) = 1 − F(x; k)`: the p-value of a χ² statistic `x`.
    ///
    /// Accurate relative to itself in the far tail (e.g. `x = 1000, k = 50`
    /// gives 7.19e-177), where `1 − cdf` would be 0.
    ///
    /// - Returns: 1 for `x ≤ 0`; NaN for `k ≤ 0` or NaN arguments.
    public static func upperTail(_ x: Double, degreesOfFreedom k: Double) -> Double {
        Gamma.regularizedUpper(k / 2, x / 2)
    }

    /// The `p`-quantile: the `x` with `F(x; k) = p`, by bisection on
    /// ``cdf(_:degreesOfFreedom:)``. It is exact to ~1e-12 relative for any
    /// `k`, unlike the Wilson–Hilferty approximation (48% low at k = 2, p = 0.025).
    ///
    /// - Returns: 0 for `p ≤ 0`, `+∞` for `p ≥ 1`; NaN for `k ≤ 0` or NaN arguments.
    /// - Complexity: about 50 evaluations of the CDF.
    public static func quantile(_ p: Double, degreesOfFreedom k: Double) -> Double {
        guard k > 0, !p.isNaN else { return .nan }
        guard p > 0, p < 1 else { return p <= 0 ? 0 : .infinity }
        var lo = 0.0, hi = Swift.max(1.0, k)
        while Gamma.regularizedLower(k / 2, hi / 2) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if Gamma.regularizedLower(k / 2, mid / 2) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return (lo + hi) / 2
    }
}
