import IRTModel
import Testing

/// The seedable generators behind Horn's null and the EM start, against an
/// independent Python implementation of SplitMix64 + xoshiro256** (Blackman &
/// Vigna's reference algorithm), run once with python3 to produce the constants:
///
/// ```python
/// M = (1 << 64) - 1
/// def splitmix64(state):
///     while True:
///         state = (state + 0x9E3779B97F4A7C15) & M
///         z = state
///         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
///         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
///         yield z ^ (z >> 31)
/// def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
/// class Xoshiro:
///     def __init__(self, seed):
///         g = splitmix64(seed); self.s = [next(g) for _ in range(4)]
///     def next(self):
///         s = self.s
///         r = (rotl((s[1] * 5) & M, 7) * 9) & M
///         t = (s[1] << 17) & M
///         s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
///         s[3] = rotl(s[3], 45)
///         return r
///     def jump(self):
///         J = [0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C]
///         t = [0, 0, 0, 0]
///         for w in J:
///             for b in range(64):
///                 if (w >> b) & 1:
///                     t = [a ^ b_ for a, b_ in zip(t, self.s)]
///                 self.next()
///         self.s = t
/// for seed in (42, 0):
///     g = Xoshiro(seed); print(seed, [hex(g.next()) for _ in range(5)])
/// g = splitmix64(0); print("sm0", [hex(next(g)) for _ in range(3)])
/// g = Xoshiro(42); g.jump(); print("jump1", [hex(g.next()) for _ in range(3)])
/// g = Xoshiro(42); g.jump(); g.jump(); print("jump2", [hex(g.next()) for _ in range(3)])
/// ```
@Suite("Random: xoshiro256**, SplitMix64, normal sampler")
struct RandomTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let seed: UInt64
        let outputs: [UInt64]
        var testDescription: String { "seed \(seed)" }
    }

    static let expectedOutputs = [
        Expected(seed: 42, outputs: [0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1,
                                     0xecb8ad4703b360a1, 0xfde6dc7fe2ec5e64]),
        Expected(seed: 0, outputs: [0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0,
                                    0x6aa594f1262d2d2c, 0xbba5ad4a1f842e59]),
    ]

    @Test("First outputs equal the Python reference", arguments: expectedOutputs)
    func firstOutputs(_ e: Expected) {
        var g = Xoshiro256StarStar(seed: e.seed)
        #expect((0..<e.outputs.count).map { _ in g.next() } == e.outputs)
    }

    @Test("SplitMix64 from state 0 gives the published first outputs")
    func splitMix() {
        var g = SplitMix64(state: 0)
        #expect([g.next(), g.next(), g.next()] == [0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f])
    }

    @Test("jump() equals the Python reference's jump, once and twice")
    func jump() {
        var g = Xoshiro256StarStar(seed: 42)
        g.jump()
        var once = g
        #expect([once.next(), once.next(), once.next()] == [0x50086ef83cbf4f4a, 0xba285ec21347d703, 0x5ea1247b4dc6452a])
        g.jump()
        #expect([g.next(), g.next(), g.next()] == [0x8677623ee7544e81, 0x1f591f213a3cb979, 0xbee76be78f4bfe6d])
    }

    @Test("stream(d) is the generator jumped d times", arguments: [0, 1, 2, 5])
    func streamIsRepeatedJump(_ d: Int) {
        let base = Xoshiro256StarStar(seed: 7)
        var jumped = base
        for _ in 0..<d { jumped.jump() }
        #expect(base.stream(d) == jumped)
        if d > 0 { #expect(base.stream(d) != base.stream(d - 1)) }
    }

    @Test("200k standard normal draws: mean, variance, skew, kurtosis within 4 standard errors")
    func normalMoments() {
        let n = 200_000
        var rng = Xoshiro256StarStar(seed: 42)
        var normal = NormalSampler()
        var x = [Double](repeating: 0, count: n)
        normal.fill(&x, using: &rng)
        let mean = x.reduce(0, +) / Double(n)
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for v in x {
            let d = v - mean
            m2 += d * d; m3 += d * d * d; m4 += d * d * d * d
        }
        m2 /= Double(n); m3 /= Double(n); m4 /= Double(n)
        let variance = m2 * Double(n) / Double(n - 1)
        let skew = m3 / (m2 * m2.squareRoot())
        let excessKurtosis = m4 / (m2 * m2) - 3
        let rootN = Double(n).squareRoot()
        // Standard errors under N(0, 1): 1/√n, √(2/n), √(6/n), √(24/n).
        #expect(abs(mean) < 4 / rootN)
        #expect(abs(variance - 1) < 4 * 2.0.squareRoot() / rootN)
        #expect(abs(skew) < 4 * 6.0.squareRoot() / rootN)
        #expect(abs(excessKurtosis) < 4 * 24.0.squareRoot() / rootN)
        // The tails are there: P(|z| > 3) = 0.0027, about 540 of 200k.
        let beyond3 = x.filter { abs($0) > 3 }.count
        #expect((400...700).contains(beyond3))
    }

    @Test("Equal seeds give equal draws; different seeds different ones")
    func determinism() {
        func draws(_ seed: UInt64) -> [Double] {
            var rng = Xoshiro256StarStar(seed: seed)
            var normal = NormalSampler()
            return (0..<101).map { _ in normal.next(using: &rng) }
        }
        #expect(draws(42) == draws(42))
        #expect(draws(42) != draws(43))
        // fill(_:using:) and next(using:) draw the same sequence.
        var rng = Xoshiro256StarStar(seed: 42)
        var normal = NormalSampler()
        var buffer = [Double](repeating: 0, count: 101)
        normal.fill(&buffer, using: &rng)
        #expect(buffer == draws(42))
    }

    @Test("Draws of two jump streams are uncorrelated")
    func streamsIndependent() {
        let n = 100_000
        let base = Xoshiro256StarStar(seed: 42)
        func draws(_ stream: Int) -> [Double] {
            var rng = base.stream(stream)
            var normal = NormalSampler()
            return (0..<n).map { _ in normal.next(using: &rng) }
        }
        let a = draws(0), b = draws(1), c = draws(2)
        func correlation(_ x: [Double], _ y: [Double]) -> Double {
            let m = Double(x.count)
            let mx = x.reduce(0, +) / m, my = y.reduce(0, +) / m
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for i in x.indices {
                sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my)
            }
            return sxy / (sxx * syy).squareRoot()
        }
        // Under independence r has standard error 1/√n.
        let bound = 4 / Double(n).squareRoot()
        #expect(abs(correlation(a, b)) < bound)
        #expect(abs(correlation(a, c)) < bound)
        #expect(abs(correlation(b, c)) < bound)
        // Lagged by one draw as well (streams must not be shifted copies).
        #expect(abs(correlation(Array(a.dropFirst()), Array(b.dropLast()))) < bound)
    }
}
