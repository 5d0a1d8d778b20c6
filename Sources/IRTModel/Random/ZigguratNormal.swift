import Foundation

/// Standard normal variates by Marsaglia & Tsang's ziggurat (2000), 128 layers.
///
/// The density is covered by 128 horizontal layers of equal area; a draw picks
/// a layer and a point in it from one 64-bit number and is accepted at once
/// ~98.8% of the time (a multiply and a compare). The rest are resolved
/// exactly against the density, and the tail beyond `r = 3.4426` by Marsaglia's
/// exponential method, so the variates are exactly `N(0, 1)` up to the 2⁻³¹
/// resolution of the 32-bit value drawn within a layer:
///
/// ```
/// z = j · w[i],   i = 7 low bits (layer),  j = 32 high bits (signed position)
/// ```
///
/// The layer index and the position come from disjoint bits of the same
/// number. About five times faster than ``NormalSampler`` (the polar method);
/// Horn's Monte Carlo draws, millions of variates per analysis, use it.
public struct ZigguratNormal: Sendable {
    /// Layer bounds `k[i]` for the fast test, scales `w[i]`, densities `f[i]`.
    private static let tables: (k: [UInt32], w: [Double], f: [Double]) = {
        let m1 = 2147483648.0
        var k = [UInt32](repeating: 0, count: 128)
        var w = [Double](repeating: 0, count: 128)
        var f = [Double](repeating: 0, count: 128)
        var dn = 3.442619855899, tn = dn
        let vn = 9.91256303526217e-3
        let q = vn / Foundation.exp(-0.5 * dn * dn)
        k[0] = UInt32((dn / q) * m1)
        k[1] = 0
        w[0] = q / m1
        w[127] = dn / m1
        f[0] = 1
        f[127] = Foundation.exp(-0.5 * dn * dn)
        for i in Swift.stride(from: 126, through: 1, by: -1) {
            dn = (-2 * Foundation.log(vn / dn + Foundation.exp(-0.5 * dn * dn))).squareRoot()
            k[i + 1] = UInt32((dn / tn) * m1)
            tn = dn
            f[i] = Foundation.exp(-0.5 * dn * dn)
            w[i] = dn / m1
        }
        return (k, w, f)
    }()

    /// The start of the tail.
    private static let r = 3.442619855899

    public init() {}

    /// The next standard normal variate drawn with `rng`.
    @inline(__always)
    public mutating func next(using rng: inout some RandomNumberGenerator) -> Double {
        let t = Self.tables
        let bits = rng.next()
        let i = Int(bits & 127)
        let j = Int32(truncatingIfNeeded: bits >> 32)
        if UInt32(j.magnitude) < t.k[i] { return Double(j) * t.w[i] }
        return slow(j: j, i: i, using: &rng)
    }

    /// Fills `buffer` with standard normal variates.
    public mutating func fill(_ buffer: inout [Double], using rng: inout some RandomNumberGenerator) {
        for index in buffer.indices { buffer[index] = next(using: &rng) }
    }

    /// The ~1.2% of draws outside a layer's inner rectangle: the wedge test
    /// against the density, or the tail.
    private func slow(j: Int32, i: Int, using rng: inout some RandomNumberGenerator) -> Double {
        let t = Self.tables
        var j = j, i = i
        while true {
            if i == 0 {
                // Tail beyond r: x = −ln(U₁)/r accepted when −2 ln(U₂) > x².
                var x = 0.0, y = 0.0
                repeat {
                    x = -Foundation.log(uniformOpen(&rng)) / Self.r
                    y = -Foundation.log(uniformOpen(&rng))
                } while y + y < x * x
                return j > 0 ? Self.r + x : -Self.r - x
            }
            let x = Double(j) * t.w[i]
            if t.f[i] + uniformOpen(&rng) * (t.f[i - 1] - t.f[i]) < Foundation.exp(-0.5 * x * x) { return x }
            let bits = rng.next()
            i = Int(bits & 127)
            j = Int32(truncatingIfNeeded: bits >> 32)
            if UInt32(j.magnitude) < t.k[i] { return Double(j) * t.w[i] }
        }
    }
}

/// A uniform variate in (0, 1) from the top 53 bits of one draw (never 0, so its log is finite).
@inline(__always)
func uniformOpen(_ rng: inout some RandomNumberGenerator) -> Double {
    (Double(rng.next() >> 11) + 0.5) * 0x1.0p-53
}
