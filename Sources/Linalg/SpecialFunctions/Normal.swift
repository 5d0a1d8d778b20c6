import Foundation

/// The standard normal distribution N(0, 1).
///
/// ```
/// Φ(x) = ½ erfc(−x / √2),   φ(x) = e^(−x²/2) / √(2π)
/// ```
public enum Normal {
    /// The CDF `Φ(x)`, through `erfc` so that the lower tail keeps its relative
    /// accuracy (Φ(−10) = 7.6e-24, not 0).
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The quantile `Φ⁻¹(p)`: Acklam's rational approximation (relative error
    /// below 1.15e-9), refined by one Halley step on `Φ(x) − p`, which brings it
    /// to full double precision (~1e-15 relative).
    ///
    /// The upper half is computed as `−Φ⁻¹(1 − p)` (`1 − p` is exact there), so
    /// the quantile is antisymmetric to the bit and both tails keep their digits.
    ///
    /// - Returns: `−∞` for `p = 0`, `+∞` for `p = 1`, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p > 0.5 { return -quantile(1 - p) }
        if p == 0 { return -.infinity }
        let x = acklam(p)
        // Halley: x ← x − u / (1 + x u / 2), u = (Φ(x) − p) / φ(x).
        let u = (cdf(x) - p) * (2 * Double.pi).squareRoot() * Foundation.exp(x * x / 2)
        return u.isFinite ? x - u / (1 + x * u / 2) : x
    }

    /// Acklam's approximation of `Φ⁻¹(p)` for `0 < p ≤ ½`: a rational function
    /// of `√(−2 log p)` in the tail (`p < 0.02425`), of `p − ½` in the centre.
    static func acklam(_ p: Double) -> Double {
        let c0 = -7.784894002430293e-03, c1 = -3.223964580411365e-01, c2 = -2.400758277161838e+00
        let c3 = -2.549732539343734e+00, c4 = 4.374664141464968e+00, c5 = 2.938163982698783e+00
        let d0 = 7.784695709041462e-03, d1 = 3.224671290700398e-01, d2 = 2.445134137142996e+00
        let d3 = 3.754408661907416e+00
        if p < 0.02425 {
            let q = (-2 * Foundation.log(p)).squareRoot()
            return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5)
                / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
        }
        let a0 = -3.969683028665376e+01, a1 = 2.209460984245205e+02, a2 = -2.759285104469687e+02
        let a3 = 1.383577518672690e+02, a4 = -3.066479806614716e+01, a5 = 2.506628277459239e+00
        let b0 = -5.447609879822406e+01, b1 = 1.615858368580409e+02, b2 = -1.556989798598866e+02
        let b3 = 6.680131188771972e+01, b4 = -1.328068155288572e+01
        let q = p - 0.5, r = q * q
        return (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q
            / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
    }
}
