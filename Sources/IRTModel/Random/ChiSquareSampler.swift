import Foundation

/// χ² variates with any positive degrees of freedom, by Marsaglia & Tsang's
/// (2000) squeeze method for the gamma law:
///
/// ```
/// χ²(ν) = 2 · Γ(ν/2, 1)
/// Γ(a), a ≥ 1:  d = a − 1/3,  c = 1/√(9d),  v = (1 + c z)³ for z ~ N(0, 1);
///               accept d·v when v > 0 and log u < z²/2 + d − d v + d log v (u ~ U(0, 1))
/// Γ(a), a < 1:  Γ(a + 1) · u^(1/a)
/// ```
///
/// The normals come from ``ZigguratNormal``; about 1.03 normals and uniforms
/// per variate for a ≥ 1. Horn's Wishart null draws (``NullDraw``) take the
/// diagonal of their Bartlett factor from here.
public struct ChiSquareSampler: Sendable {
    private var normal = ZigguratNormal()

    public init() {}

    /// One χ²(ν) variate.
    ///
    /// - Parameters:
    ///   - degreesOfFreedom: ν > 0 (not necessarily an integer).
    ///   - rng: the source of randomness.
    /// - Precondition: ν > 0.
    /// - Complexity: O(1) expected.
    public mutating func next(degreesOfFreedom nu: Double, using rng: inout some RandomNumberGenerator) -> Double {
        precondition(nu > 0, "χ² needs positive degrees of freedom, got \(nu)")
        let a = nu / 2
        if a < 1 {
            let g = gamma(shape: a + 1, using: &rng)
            return 2 * g * Foundation.pow(uniformOpen(&rng), 1 / a)
        }
        return 2 * gamma(shape: a, using: &rng)
    }

    /// Γ(a, 1) for a ≥ 1 (Marsaglia–Tsang).
    private mutating func gamma(shape a: Double, using rng: inout some RandomNumberGenerator) -> Double {
        let d = a - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let z = normal.next(using: &rng)
            let t = 1 + c * z
            guard t > 0 else { continue }
            let v = t * t * t
            let u = uniformOpen(&rng)
            if u < 1 - 0.0331 * z * z * z * z { return d * v }
            if Foundation.log(u) < 0.5 * z * z + d * (1 - v + Foundation.log(v)) { return d * v }
        }
    }
}
