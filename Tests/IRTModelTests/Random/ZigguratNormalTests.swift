import Foundation
import IRTModel
import Testing

@Suite("Ziggurat normal sampler")
struct ZigguratNormalTests {
    static func draws(_ n: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = ZigguratNormal()
        var x = [Double](repeating: 0, count: n)
        normal.fill(&x, using: &rng)
        return x
    }

    @Test("400k draws: moments within 4 standard errors", arguments: [UInt64(1), 42])
    func moments(_ seed: UInt64) {
        let n = 400_000
        let x = Self.draws(n, seed: seed)
        let mean = x.reduce(0, +) / Double(n)
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for v in x { let d = v - mean; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d }
        m2 /= Double(n); m3 /= Double(n); m4 /= Double(n)
        let rootN = Double(n).squareRoot()
        #expect(abs(mean) < 4 / rootN)
        #expect(abs(m2 - 1) < 4 * 2.0.squareRoot() / rootN)
        #expect(abs(m3 / (m2 * m2.squareRoot())) < 4 * 6.0.squareRoot() / rootN)
        #expect(abs(m4 / (m2 * m2) - 3) < 4 * 24.0.squareRoot() / rootN)
    }

    /// Kolmogorov–Smirnov against Φ(z) = (1 + erf(z/√2))/2: the 0.1% critical
    /// value of D is 1.95/√n.
    @Test("Kolmogorov–Smirnov distance to N(0, 1) below the 0.1% critical value")
    func kolmogorovSmirnov() {
        let n = 200_000
        let x = Self.draws(n, seed: 7).sorted()
        var d = 0.0
        for (i, z) in x.enumerated() {
            let cdf = 0.5 * (1 + erf(z / 2.0.squareRoot()))
            d = max(d, abs(cdf - Double(i) / Double(n)), abs(Double(i + 1) / Double(n) - cdf))
        }
        #expect(d < 1.95 / Double(n).squareRoot())
    }

    /// The tail beyond r = 3.4426 (the ziggurat's base strip) and the wedges
    /// are sampled by the slow path: their probabilities must be right too.
    @Test("Tail probabilities: P(|z| > 3.4426) and P(|z| > 4)")
    func tails() {
        let n = 2_000_000
        let x = Self.draws(n, seed: 11)
        let beyondR = Double(x.filter { abs($0) > 3.442619855899 }.count)
        let beyond4 = Double(x.filter { abs($0) > 4 }.count)
        // P(|z| > 3.4426) = 5.76e-4, P(|z| > 4) = 6.33e-5; Poisson counts, 4 standard deviations.
        let expectedR = 5.7608e-4 * Double(n), expected4 = 6.3342e-5 * Double(n)
        #expect(abs(beyondR - expectedR) < 4 * expectedR.squareRoot())
        #expect(abs(beyond4 - expected4) < 4 * expected4.squareRoot())
    }

    @Test("Deterministic for a seed; streams differ")
    func determinism() {
        #expect(Self.draws(1000, seed: 3) == Self.draws(1000, seed: 3))
        #expect(Self.draws(1000, seed: 3) != Self.draws(1000, seed: 4))
    }
}
