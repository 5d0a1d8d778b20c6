import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import LinalgReference
import Testing

/// The gradient the quasi-Newton polish climbs (Fisher's identity from each
/// map's E-step) against central differences of ℓ, and the covariance map's
/// information blocks against `½ tr(Σ⁻¹ ∂Σ Σ⁻¹ ∂Σ)` from a dense Σ⁻¹.
@Suite("EM maps: the likelihood gradient and information blocks")
struct EMGradientTests {
    /// A parameter point: smooth loadings, ψ from 0.3 down to `smallestPsi` (a Heywood-like task).
    static func point(p: Int, k: Int, smallestPsi: Double) -> FactorParameters {
        let lambda = (0..<(p * k)).map { 0.15 + 0.1 * Double(($0 * 7) % 5) }
        var psi = (0..<p).map { 0.3 + 0.05 * Double($0 % 3) }
        psi[0] = smallestPsi
        return FactorParameters(lambda: lambda, psi: psi)
    }

    /// ℓ at `x` with coordinate `i` of `(Λ, log ψ)` moved by `h`.
    static func shifted(_ x: FactorParameters, _ i: Int, _ h: Double) -> FactorParameters {
        var y = x
        if i < x.lambda.count { y.lambda[i] += h } else { y.psi[i - x.lambda.count] *= Foundation.exp(h) }
        return y
    }

    static func checkGradient(map: inout some EMMap, at x: FactorParameters, tolerance: Double, skipPsi: Set<Int> = []) throws {
        var g = x, scratch = x
        let ll = try map.gradient(x, into: &g)
        let n = Double(map.observationCount)
        var out = x
        #expect(abs(try map.evaluate(x, into: &out) - ll) <= 1e-12 * abs(ll))
        let count = x.lambda.count + x.psi.count
        for i in 0..<count where i < x.lambda.count || !skipPsi.contains(i - x.lambda.count) {
            let h = i < x.lambda.count ? 1e-6 : 1e-5
            let up = try map.evaluate(shifted(x, i, h), into: &scratch)
            let down = try map.evaluate(shifted(x, i, -h), into: &scratch)
            let numeric = (up - down) / (2 * h) / n
            let analytic = i < x.lambda.count ? g.lambda[i] : g.psi[i - x.lambda.count]
            #expect(abs(numeric - analytic) <= tolerance * Swift.max(1, abs(numeric)), "coordinate \(i): \(analytic) vs \(numeric)")
        }
    }

    @Test("Covariance map: ∇ℓ/n matches central differences", arguments: [(6, 1, 0.2), (8, 2, 0.05), (10, 3, 1e-3)])
    func covarianceGradient(p: Int, k: Int, smallestPsi: Double) throws {
        let z = SyntheticSweep(runs: 80, tasks: p, factors: k, seed: 11, noiseRuns: 0).signedScores()
        let anchors: [Double?] = (0..<p).map { $0 == p - 1 ? 0.4 : nil }
        var map = CovarianceEMMap(s: z.gram(alpha: 1 / Double(z.rows)), n: z.rows, k: k, anchors: anchors,
                                  mStep: .nnls, psiFloor: 1e-6)
        var x = Self.point(p: p, k: k, smallestPsi: smallestPsi)
        x.psi[p - 1] = 0.4
        try Self.checkGradient(map: &map, at: x, tolerance: 1e-5, skipPsi: [p - 1])
        // An anchored ψ has no gradient.
        var g = x
        _ = try map.gradient(x, into: &g)
        #expect(g.psi[p - 1] == 0)
    }

    @Test("Missing-data map: ∇ℓ/n matches central differences", arguments: [(1, 0.2), (2, 0.01)])
    func missingGradient(k: Int, smallestPsi: Double) throws {
        let (z, mask) = MissingDataFitTests.gappy(n: 50, p: 7, hide: 0.25, seed: 5)
        var map = MissingDataEMMap(z: z, observed: mask, k: k, anchors: [Double?](repeating: nil, count: 7),
                                   mStep: .nnls, psiFloor: 1e-6)
        try Self.checkGradient(map: &map, at: Self.point(p: 7, k: k, smallestPsi: smallestPsi), tolerance: 1e-5)
    }

    @Test("Covariance map: information blocks equal ½ tr(Σ⁻¹ ∂_a Σ Σ⁻¹ ∂_b Σ) from a dense inverse", arguments: [1, 3])
    func informationBlocks(k: Int) throws {
        let p = 7
        let z = SyntheticSweep(runs: 60, tasks: p, factors: k, seed: 4, noiseRuns: 0).signedScores()
        var map = CovarianceEMMap(s: z.gram(alpha: 1 / Double(z.rows)), n: z.rows, k: k,
                                  anchors: [Double?](repeating: nil, count: p), mStep: .nnls, psiFloor: 1e-6)
        let x = Self.point(p: p, k: k, smallestPsi: 0.02)
        var g = x
        _ = try map.gradient(x, into: &g)
        let order = k + 1
        var blocks = [Double](repeating: 0, count: p * order * order)
        map.informationBlocks(x, into: &blocks)
        // Dense Σ = ΛΛᵀ + Ψ and its inverse (pure Swift).
        let lambda = Matrix(rows: p, columns: k) { i, j in x.lambda[i + j * p] }
        var sigma = Reference.naiveProduct(lambda, Reference.transpose(lambda))
        for i in 0..<p { sigma[i, i] += x.psi[i] }
        let inverse = try Reference.choleskySolve(sigma, Matrix(rows: p, columns: p) { i, j in i == j ? 1 : 0 })
        for t in 0..<p {
            // ∂Σ/∂λ_tj = e_t λ_jᵀ + λ_j e_tᵀ,  ∂Σ/∂log ψ_t = ψ_t e_t e_tᵀ.
            func derivative(_ a: Int) -> Matrix {
                var d = Matrix(rows: p, columns: p)
                if a == k { d[t, t] = x.psi[t]; return d }
                for i in 0..<p { d[t, i] += lambda[i, a]; d[i, t] += lambda[i, a] }
                return d
            }
            for a in 0..<order {
                for b in 0..<order {
                    let left = Reference.naiveProduct(inverse, derivative(a))
                    let right = Reference.naiveProduct(inverse, derivative(b))
                    let product = Reference.naiveProduct(left, right)
                    let expected = 0.5 * (0..<p).reduce(0.0) { $0 + product[$1, $1] }
                    let got = blocks[t * order * order + a + b * order]
                    #expect(abs(got - expected) <= 1e-9 * Swift.max(1, abs(expected)), "task \(t) (\(a), \(b)): \(got) vs \(expected)")
                }
            }
        }
    }
}
