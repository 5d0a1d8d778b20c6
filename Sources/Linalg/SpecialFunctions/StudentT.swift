import Foundation

/// Student's t distribution with an integer number of degrees of freedom ν.
///
/// ```
/// A(t | ν) = P(|T| ≤ t),   θ = atan(t / √ν)
/// ν odd:   A = (2/π) [θ + sin θ cos θ (1 + ⅔ cos²θ + … + (2·4⋯(ν−3))/(1·3⋯(ν−2)) cos^(ν−3) θ)]
/// ν even:  A = sin θ [1 + ½ cos²θ + (1·3)/(2·4) cos⁴θ + … + (1·3⋯(ν−3))/(2·4⋯(ν−2)) cos^(ν−2) θ]
/// ```
///
/// (Abramowitz & Stegun 26.7.3–4): exact finite sums, so the CDF is accurate
/// to rounding for every ν, and the quantile is found by bisection on it.
public enum StudentT {
    /// The CDF `P(T ≤ t)`.
    ///
    /// - Precondition: `degreesOfFreedom ≥ 1`.
    /// - Complexity: O(ν).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Int) -> Double {
        precondition(nu >= 1, "Student's t needs at least 1 degree of freedom")
        if t.isNaN { return .nan }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        let a = twoSided(Swift.abs(t), nu: nu)
        return t >= 0 ? 0.5 + 0.5 * a : 0.5 - 0.5 * a
    }

    /// The quantile `t_ν(p)`: the `t` with `P(T ≤ t) = p`, to ~1e-12 relative.
    ///
    /// - Returns: `−∞` for `p = 0`, `+∞` for `p = 1`, NaN outside [0, 1].
    /// - Precondition: `degreesOfFreedom ≥ 1`.
    /// - Complexity: O(ν) per bisection step, ~100 steps.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Int) -> Double {
        precondition(nu >= 1, "Student's t needs at least 1 degree of freedom")
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
        var lo = 0.0, hi = 1.0
        while cdf(hi, degreesOfFreedom: nu) < p && hi < 1e300 { hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid, degreesOfFreedom: nu) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return 0.5 * (lo + hi)
    }

    /// `A(t | ν) = P(|T| ≤ t)` for `t ≥ 0`.
    static func twoSided(_ t: Double, nu: Int) -> Double {
        let theta = Foundation.atan(t / Double(nu).squareRoot())
        let s = Foundation.sin(theta), c = Foundation.cos(theta)
        if nu % 2 == 1 {
            guard nu > 1 else { return 2 * theta / Double.pi }
            return Swift.min(1, 2 / Double.pi * (theta + s * c * series(c * c, from: 2, to: nu - 3)))
        }
        return Swift.min(1, s * series(c * c, from: 1, to: nu - 3))
    }

    /// `1 + Σ_j Π_{i ≤ j} i/(i + 1) · c²`, over `j = first, first + 2, …, ≤ last`: the
    /// finite sums of both parities.
    static func series(_ c2: Double, from first: Int, to last: Int) -> Double {
        var term = 1.0, sum = 1.0
        var j = first
        while j <= last {
            term *= Double(j) / Double(j + 1) * c2
            sum += term
            j += 2
        }
        return sum
    }
}
