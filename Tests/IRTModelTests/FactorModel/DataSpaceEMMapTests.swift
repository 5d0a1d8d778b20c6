import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The data-space EM map (`S·A = Zᵀ(Z·A)/n`, for n < p) against the
/// covariance-space map on `S = ZᵀZ/n`: one evaluation, and the fixed point
/// the whole fit reaches.
@Suite("Data-space EM map")
struct DataSpaceEMMapTests {
    /// An n × p z-scored sweep of a k-factor model (``SyntheticSweep``), with
    /// every third task anchored at its true uniqueness.
    static func sweep(n: Int, p: Int, k: Int, seed: UInt64) throws -> (z: Matrix, anchors: [Double?]) {
        let synthetic = SyntheticSweep(runs: n, tasks: p, factors: k, seed: seed)
        let z = try synthetic.signedScores().standardized(ddof: 0).z
        let anchors: [Double?] = (0..<p).map { $0 % 3 == 0 ? synthetic.psi[$0] : nil }
        return (z, anchors)
    }

    /// A point with positive loadings and uniquenesses, different per entry.
    static func point(p: Int, k: Int) -> FactorParameters {
        FactorParameters(lambda: (0..<(p * k)).map { 0.05 + 0.07 * Double(($0 * 7) % 11) },
                         psi: (0..<p).map { 0.3 + 0.05 * Double($0 % 5) })
    }

    @Test("One evaluation equals the covariance-space map's to rounding (F(x) and ℓ(x))",
          arguments: [(0, 4, 1), (1, 5, 1), (2, 9, 2), (7, 30, 3), (30, 200, 5), (40, 41, 4)])
    func oneEvaluation(n: Int, p: Int, k: Int) throws {
        var rng = Xoshiro256StarStar(seed: UInt64(n * 1000 + p))
        var normal = NormalSampler()
        // Any data (not only z-scores): S·A = Zᵀ(Z·A)/n is an identity.
        let z = Matrix(rows: n, columns: p) { _, _ in normal.next(using: &rng) }
        let anchors: [Double?] = (0..<p).map { $0 % 4 == 1 ? 0.4 : nil }
        for mStep in [MStep.projected, .nnls] {
            for nonNegative in [true, false] {
                var data = DataSpaceEMMap(z: z, k: k, anchors: anchors, mStep: mStep, psiFloor: 1e-6,
                                          nonNegative: nonNegative)
                var covariance = CovarianceEMMap(s: z.gram(alpha: 1 / Double(max(n, 1))), n: n, k: k, anchors: anchors,
                                                 mStep: mStep, psiFloor: 1e-6, nonNegative: nonNegative)
                let x = Self.point(p: p, k: k)
                var a = x, b = x
                let la = try data.evaluate(x, into: &a), lb = try covariance.evaluate(x, into: &b)
                #expect(abs(la - lb) <= 1e-11 * max(1, abs(lb)), "ℓ, \(mStep), nonNegative \(nonNegative)")
                #expect(zip(a.lambda, b.lambda).allSatisfy { abs($0 - $1) <= 1e-11 }, "Λ, \(mStep)")
                #expect(zip(a.psi, b.psi).allSatisfy { abs($0 - $1) <= 1e-11 }, "ψ, \(mStep)")
                #expect(data.taskCount == p && data.factorCount == k)
                #expect(data.likelihoodIsMerit == covariance.likelihoodIsMerit)
            }
        }
    }

    @Test("The fit reaches the covariance-space fixed point (1e-9) and ℓ when n < p",
          arguments: [(12, 40, 1), (25, 60, 2), (30, 150, 3)])
    func sameFixedPoint(n: Int, p: Int, k: Int) throws {
        #expect(DataSpaceEMMap.isCheaper(runs: n, tasks: p))
        let (z, anchors) = try Self.sweep(n: n, p: p, k: k, seed: UInt64(7 + p))
        for mStep in [MStep.projected, .nnls] {
            // A tight stop, so that both fits sit within 1e-11 of the fixed point
            // whatever their rounding did to the path.
            var options = FitOptions(mStep: mStep, stopRule: .estimatedDistance(tolerance: 1e-11))
            // Two maps' answers compared, not the projected check's (which, at 1e-11, sees the crawl).
            options.tuning.projectedVerification = 0
            // FactorModel(z:) takes the data-space map at this shape; covariance: the other.
            let data = try FactorModel(z: z, k: k, anchors: anchors, options: options)
            let covariance = try FactorModel(covariance: z.gram(alpha: 1 / Double(n)), observations: n, k: k,
                                             anchors: anchors, options: options)
            #expect(data.diagnostics.converged && covariance.diagnostics.converged, "\(mStep)")
            let loadings = zip(data.loadings.elements, covariance.loadings.elements).map { abs($0 - $1) }.max() ?? 0
            let psi = zip(data.psi, covariance.psi).map { abs($0 - $1) }.max() ?? 0
            #expect(loadings <= 1e-9, "Λ differs by \(loadings), \(mStep)")
            #expect(psi <= 1e-9, "ψ differs by \(psi), \(mStep)")
            let l0 = covariance.diagnostics.logLikelihood
            #expect(abs(data.diagnostics.logLikelihood - l0) <= 1e-9 * abs(l0), "ℓ, \(mStep)")
        }
    }

    @Test("Free loadings: the same Σ = ΛΛᵀ + Ψ and ℓ in data space", arguments: [(20, 50, 2)])
    func freeLoadings(n: Int, p: Int, k: Int) throws {
        let (z, anchors) = try Self.sweep(n: n, p: p, k: k, seed: 3)
        var options = FitOptions(stopRule: .estimatedDistance(tolerance: 1e-11))
        options.loadings = .free
        let data = try FactorModel(z: z, k: k, anchors: anchors, options: options)
        let covariance = try FactorModel(covariance: z.gram(alpha: 1 / Double(n)), observations: n, k: k,
                                         anchors: anchors, options: options)
        let sa = try data.loadings.multiplied(by: data.loadings, transposingOther: .transpose)
        let sb = try covariance.loadings.multiplied(by: covariance.loadings, transposingOther: .transpose)
        let gap = zip(sa.elements, sb.elements).map { abs($0 - $1) }.max() ?? 0
        #expect(gap <= 1e-9, "ΛΛᵀ differs by \(gap)")
        #expect(zip(data.psi, covariance.psi).allSatisfy { abs($0 - $1) <= 1e-9 })
        let l0 = covariance.diagnostics.logLikelihood
        #expect(abs(data.diagnostics.logLikelihood - l0) <= 1e-9 * abs(l0))
    }

    @Test("The map follows the shape: data space exactly when 2n < p",
          arguments: [(0, 1, true), (1, 2, false), (1, 3, true), (30, 3000, true), (50, 100, false), (242, 43, false)])
    func shapeSwitch(n: Int, p: Int, dataSpace: Bool) {
        #expect(DataSpaceEMMap.isCheaper(runs: n, tasks: p) == dataSpace)
    }
}
