@testable import IRTModel
import Testing

/// The L-BFGS two-loop recursion against the dense BFGS inverse built from the
/// same pairs, `H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ` oldest to newest, on
/// the quadratic `½ xᵀAx` (so `y = A s` and `yᵀs > 0`).
@Suite("CurvaturePairs: the two-loop recursion is the dense BFGS inverse of its pairs")
struct CurvaturePairsTests {
    typealias Dense = [[Double]]

    /// A random symmetric positive definite n × n matrix: `BᵀB + I`.
    static func spd(_ n: Int, _ rng: inout Xoshiro256StarStar) -> Dense {
        let b = (0..<n).map { _ in (0..<n).map { _ in Double.random(in: -1...1, using: &rng) } }
        return (0..<n).map { i in
            (0..<n).map { j in (0..<n).reduce(i == j ? 1 : 0) { $0 + b[$1][i] * b[$1][j] } }
        }
    }

    static func product(_ a: Dense, _ x: [Double]) -> [Double] {
        a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// The dense BFGS inverse update of `h` by the pair `(s, y)` with the given `ρ`.
    static func update(_ h: Dense, s: [Double], y: [Double], rho: Double) -> Dense {
        let n = s.count
        // V = I − ρ y sᵀ; H' = Vᵀ H V + ρ s sᵀ.
        let v = (0..<n).map { i in (0..<n).map { j in (i == j ? 1 : 0) - rho * y[i] * s[j] } }
        let hv = (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0) { $0 + h[i][$1] * v[$1][j] } } }
        return (0..<n).map { i in
            (0..<n).map { j in (0..<n).reduce(rho * s[i] * s[j]) { $0 + v[$1][i] * hv[$1][j] } }
        }
    }

    /// `pairs` curvature pairs of a random quadratic in n coordinates.
    static func pairs(n: Int, count: Int, seed: UInt64) -> [(s: [Double], y: [Double], rho: Double)] {
        var rng = Xoshiro256StarStar(seed: seed)
        let a = spd(n, &rng)
        return (0..<count).map { _ in
            let s = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
            let y = product(a, s)
            return (s, y, 1 / dot(y, s))
        }
    }

    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        let scale = Swift.max(b.map(abs).max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    /// (coordinates n, memory m, pairs appended): fewer pairs than m, exactly m,
    /// and more (the ring drops the oldest), down to one coordinate.
    @Test("H g equals the dense BFGS inverse of the last m pairs, with H₀ = γI", arguments: [
        (1, 1, 1), (4, 3, 2), (6, 3, 3), (8, 3, 7), (12, 5, 11),
    ])
    func matchesDenseBFGS(n: Int, memory: Int, appended: Int) {
        let all = Self.pairs(n: n, count: appended, seed: UInt64(100 * n + appended))
        var recursion = CurvaturePairs(count: n, memory: memory)
        for pair in all { recursion.append(s: pair.s, y: pair.y, rho: pair.rho) }
        #expect(recursion.stored == Swift.min(appended, memory))

        let gamma = 0.7
        var dense: Dense = (0..<n).map { i in (0..<n).map { i == $0 ? gamma : 0 } }
        for pair in all.suffix(memory) { dense = Self.update(dense, s: pair.s, y: pair.y, rho: pair.rho) }

        var rng = Xoshiro256StarStar(seed: 7)
        let g = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        var q = g
        recursion.apply(to: &q, mask: [Double](repeating: 1, count: n)) { r in
            for i in r.indices { r[i] *= gamma }
        }
        #expect(Self.relativeDifference(q, Self.product(dense, g)) < 1e-12, "\(q)")

        // BFGS's defining property, the secant equation of the newest pair: H y = s.
        let newest = all[all.count - 1]
        var hy = newest.y
        recursion.apply(to: &hy, mask: [Double](repeating: 1, count: n)) { r in
            for i in r.indices { r[i] *= gamma }
        }
        #expect(Self.relativeDifference(hy, newest.s) < 1e-10, "\(hy) vs \(newest.s)")
    }

    @Test("A mask keeps fixed coordinates at 0 and acts as the dense update of the pairs restricted to the free ones")
    func maskRestrictsToFreeCoordinates() {
        let n = 7, memory = 4
        let all = Self.pairs(n: n, count: 5, seed: 11)
        let mask: [Double] = [1, 0, 1, 1, 0, 1, 1]
        var recursion = CurvaturePairs(count: n, memory: memory)
        for pair in all { recursion.append(s: pair.s, y: pair.y, rho: pair.rho) }

        // Dense: the pairs projected on the free coordinates, ρ as given, H₀ = diag(d) on them.
        let d = (0..<n).map { 0.5 + Double($0) / 10 }
        var dense: Dense = (0..<n).map { i in (0..<n).map { i == $0 ? d[i] * mask[i] : 0 } }
        for pair in all.suffix(memory) {
            dense = Self.update(dense, s: zip(pair.s, mask).map(*), y: zip(pair.y, mask).map(*), rho: pair.rho)
        }
        var rng = Xoshiro256StarStar(seed: 12)
        let g = (0..<n).map { Double.random(in: -1...1, using: &rng) * mask[$0] }
        var q = g
        recursion.apply(to: &q, mask: mask) { r in
            for i in r.indices { r[i] *= d[i] * mask[i] }
        }
        #expect(Self.relativeDifference(q, Self.product(dense, g)) < 1e-12, "\(q)")
        for i in 0..<n where mask[i] == 0 { #expect(q[i] == 0, "coordinate \(i)") }
    }

    @Test("No pairs (new, or after removeAll): H g = H₀ g")
    func emptyIsTheInitialMatrix() {
        let n = 5
        var recursion = CurvaturePairs(count: n, memory: 3)
        let g: [Double] = [1, -2, 3, -4, 5]
        var q = g
        recursion.apply(to: &q, mask: [Double](repeating: 1, count: n)) { r in
            for i in r.indices { r[i] *= 2 }
        }
        #expect(recursion.isEmpty && q == g.map { 2 * $0 })
        for pair in Self.pairs(n: n, count: 2, seed: 3) { recursion.append(s: pair.s, y: pair.y, rho: pair.rho) }
        #expect(!recursion.isEmpty)
        recursion.removeAll()
        q = g
        recursion.apply(to: &q, mask: [Double](repeating: 1, count: n)) { r in
            for i in r.indices { r[i] *= 2 }
        }
        #expect(recursion.isEmpty && q == g.map { 2 * $0 })
    }
}
