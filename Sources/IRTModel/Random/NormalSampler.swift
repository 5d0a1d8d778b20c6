import Foundation

/// Standard normal variates `N(0, 1)` by Marsaglia's polar method.
///
/// ```
/// u, v ~ U(−1, 1) until s = u² + v² ∈ (0, 1);  z₁ = u·√(−2 ln s / s),  z₂ = v·√(−2 ln s / s)
/// ```
///
/// Each accepted pair yields two variates; the second is kept for the next
/// call. Deterministic for a given generator state.
public struct NormalSampler: Sendable {
    @usableFromInline var spare: Double?

    public init() {}

    /// The next standard normal variate drawn with `rng`.
    @inlinable
    public mutating func next(using rng: inout some RandomNumberGenerator) -> Double {
        if let z = takeSpare() { return z }
        while true {
            let u = uniformSigned(&rng), v = uniformSigned(&rng)
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * log(s) / s).squareRoot()
                storeSpare(v * f)
                return u * f
            }
        }
    }

    /// Fills `buffer` with standard normal variates.
    public mutating func fill(_ buffer: inout [Double], using rng: inout some RandomNumberGenerator) {
        for i in buffer.indices { buffer[i] = next(using: &rng) }
    }

    @usableFromInline mutating func takeSpare() -> Double? {
        defer { spare = nil }
        return spare
    }

    @usableFromInline mutating func storeSpare(_ z: Double) { spare = z }
}

/// A uniform variate in [−1, 1) from the top 53 bits of one draw.
@inlinable @inline(__always)
func uniformSigned(_ rng: inout some RandomNumberGenerator) -> Double {
    Double(rng.next() >> 11) * 0x1.0p-52 - 1
}
