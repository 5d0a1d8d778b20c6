import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import LinalgReference
import Testing

/// The missing-data EM: one map evaluation and its log-likelihood against a
/// direct computation, its monotonicity, free loadings, complete data unchanged.
/// Recovery of the sample's fit with 20% of the cells hidden: ``MaskingExperimentTests``.
@Suite("Missing data: the EM on each run's observed cells")
struct MissingDataFitTests {
    /// z-scores of a small synthetic k = 2 sweep with a seeded share of cells hidden.
    static func gappy(n: Int = 60, p: Int = 8, hide: Double = 0.2, seed: UInt64 = 3) -> (z: Matrix, mask: ObservedMask) {
        let truth = SyntheticSweep(runs: n, tasks: p, factors: 2, seed: seed, noiseRuns: 0)
        let z = truth.signedScores()
        var rng = Xoshiro256StarStar(seed: seed &+ 100)
        var flags = [Bool](repeating: true, count: n * p)
        for i in flags.indices where Double(rng.next() >> 11) * 0x1.0p-53 < hide { flags[i] = false }
        // Every run keeps at least one task.
        for r in 0..<n where !(0..<p).contains(where: { flags[r + $0 * n] }) { flags[r] = true }
        return (z, ObservedMask(rows: n, columns: p, columnMajor: flags))
    }

    /// Σ_r log N(z_O; 0, Λ_OΛ_Oᵀ + Ψ_O), by the pure-Swift Cholesky.
    static func directLogLikelihood(_ z: Matrix, _ mask: ObservedMask, lambda: Matrix, psi: [Double]) throws -> Double {
        var total = 0.0
        for r in 0..<z.rows {
            let o = (0..<z.columns).filter { mask[r, $0] }
            let lo = Matrix(rows: o.count, columns: lambda.columns) { i, j in lambda[o[i], j] }
            var sigma = Reference.naiveProduct(lo, Reference.transpose(lo))
            for i in o.indices { sigma[i, i] += psi[o[i]] }
            let l = try Reference.cholesky(sigma)
            let zo = Matrix(rows: o.count, columns: 1) { i, _ in z[r, o[i]] }
            let solved = try Reference.choleskySolve(sigma, zo)
            var logDet = 0.0, quad = 0.0
            for i in o.indices { logDet += 2 * log(l[i, i]); quad += zo[i, 0] * solved[i, 0] }
            total += -0.5 * (Double(o.count) * log(2 * Double.pi) + logDet + quad)
        }
        return total
    }

    /// One EM step of METHOD.md's missing-data formulas, run by run with the pure-Swift
    /// Cholesky: `M_O`, `V_O`, θ̂_r per run, then `c_t`, `T_t` and the projected update.
    static func directStep(_ z: Matrix, _ mask: ObservedMask, lambda: Matrix, psi: [Double], anchors: [Double?],
                           nonNegative: Bool) throws -> (lambda: Matrix, psi: [Double]) {
        let p = z.columns, k = lambda.columns
        var c = Matrix(rows: p, columns: k), zz = [Double](repeating: 0, count: p), n = zz
        var t = [Matrix](repeating: Matrix(rows: k, columns: k), count: p)
        for r in 0..<z.rows {
            let o = (0..<p).filter { mask[r, $0] }
            var m = Matrix(rows: k, columns: k) { a, b in a == b ? 1 : 0 }
            var rhs = Matrix(rows: k, columns: 1)
            for tIndex in o {
                for a in 0..<k {
                    rhs[a, 0] += lambda[tIndex, a] * z[r, tIndex] / psi[tIndex]
                    for b in 0..<k { m[a, b] += lambda[tIndex, a] * lambda[tIndex, b] / psi[tIndex] }
                }
            }
            let theta = try Reference.choleskySolve(m, rhs)
            let v = try Reference.choleskySolve(m, Matrix(rows: k, columns: k) { a, b in a == b ? 1 : 0 })
            for tIndex in o {
                zz[tIndex] += z[r, tIndex] * z[r, tIndex]; n[tIndex] += 1
                for a in 0..<k {
                    c[tIndex, a] += z[r, tIndex] * theta[a, 0]
                    for b in 0..<k { t[tIndex][a, b] += v[a, b] + theta[a, 0] * theta[b, 0] }
                }
            }
        }
        var newLambda = Matrix(rows: p, columns: k), newPsi = psi
        for tIndex in 0..<p {
            let solved = try Reference.choleskySolve(t[tIndex], Matrix(rows: k, columns: 1) { a, _ in c[tIndex, a] })
            for a in 0..<k { newLambda[tIndex, a] = nonNegative ? max(0, solved[a, 0]) : solved[a, 0] }
            if let anchor = anchors[tIndex] { newPsi[tIndex] = anchor; continue }
            var cross = 0.0, quad = 0.0
            for a in 0..<k {
                cross += c[tIndex, a] * newLambda[tIndex, a]
                for b in 0..<k { quad += newLambda[tIndex, a] * t[tIndex][a, b] * newLambda[tIndex, b] }
            }
            newPsi[tIndex] = max(1e-6, (zz[tIndex] - 2 * cross + quad) / n[tIndex])
        }
        return (newLambda, newPsi)
    }

    @Test("One map evaluation equals the formulas run by run (1e-10): shared and single-run patterns, anchors, free loadings",
          arguments: [true, false])
    func oneStepIsDirect(nonNegative: Bool) throws {
        var (z, mask) = Self.gappy(n: 80, p: 9, seed: 6)
        // Runs 0–19 share one pattern (tasks 0 and 4 missing), so patterns of many runs are exercised too.
        for r in 0..<20 { for tIndex in 0..<9 { mask[r, tIndex] = tIndex != 0 && tIndex != 4 } }
        for (r, tIndex) in mask.missingCells { z[r, tIndex] = .nan }   // never read
        var anchors = [Double?](repeating: nil, count: 9)
        anchors[2] = 0.3; anchors[7] = 0.6
        let lambda = Matrix(rows: 9, columns: 3) { i, j in 0.05 + 0.1 * Double((i * 3 + j * 5) % 7) - (nonNegative ? 0 : 0.2) }
        let psi = (0..<9).map { anchors[$0] ?? 0.4 + 0.05 * Double($0) }
        var map = MissingDataEMMap(z: z, observed: mask, k: 3, anchors: anchors, mStep: .projected, psiFloor: 1e-6,
                                   nonNegative: nonNegative)
        let x = FactorParameters(lambda: lambda.elements, psi: psi)
        var y = x
        let logLikelihood = try map.evaluate(x, into: &y)
        let direct = try Self.directStep(z, mask, lambda: lambda, psi: psi, anchors: anchors, nonNegative: nonNegative)
        #expect(zip(y.lambda, direct.lambda.elements).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(zip(y.psi, direct.psi).allSatisfy { abs($0 - $1) < 1e-10 })
        let ll = try Self.directLogLikelihood(z, mask, lambda: lambda, psi: psi)
        #expect(abs(logLikelihood - ll) <= 1e-10 * abs(ll))
    }

    @Test("A uniqueness at its floor: ℓ and one evaluation still equal the direct computation (ℓ 1e-11 relative, Λ and ψ 1e-9)")
    func heywoodIsDirect() throws {
        let (z, mask) = Self.gappy(n: 80, p: 9, seed: 6)
        let lambda = Matrix(rows: 9, columns: 3) { i, j in 0.05 + 0.1 * Double((i * 3 + j * 5) % 7) }
        var psi = (0..<9).map { 0.4 + 0.05 * Double($0) }
        psi[3] = 1e-6
        let anchors = [Double?](repeating: nil, count: 9)
        var map = MissingDataEMMap(z: z, observed: mask, k: 3, anchors: anchors, mStep: .projected, psiFloor: 1e-6)
        let x = FactorParameters(lambda: lambda.elements, psi: psi)
        var y = x
        let logLikelihood = try map.evaluate(x, into: &y)
        let ll = try Self.directLogLikelihood(z, mask, lambda: lambda, psi: psi)
        let direct = try Self.directStep(z, mask, lambda: lambda, psi: psi, anchors: anchors, nonNegative: true)
        let lambdaGap = zip(y.lambda, direct.lambda.elements).map { abs($0 - $1) }.max()!
        let psiGap = zip(y.psi, direct.psi).map { abs($0 - $1) }.max()!
        print("ψ = 1e-6 with gaps: ℓ \(logLikelihood) direct \(ll) (difference \(logLikelihood - ll)); step Λ \(lambdaGap), ψ \(psiGap)")
        #expect(abs(logLikelihood - ll) <= 1e-11 * abs(ll))
        #expect(lambdaGap < 1e-9)
        #expect(psiGap < 1e-9)
    }

    @Test("ℓ at the fitted parameters equals the sum of per-run observed-data normal log-densities (1e-9)",
          arguments: [(MStep.projected, UInt64(3)), (MStep.nnls, UInt64(4))])
    func logLikelihoodIsDirect(mStep: MStep, seed: UInt64) throws {
        let (z, mask) = Self.gappy(seed: seed)
        #expect(!mask.isComplete)
        let fit = try FactorModel(z: z, observed: mask, k: 2, anchors: [Double?](repeating: nil, count: z.columns),
                                  options: FitOptions(factors: 2, mStep: mStep))
        let direct = try Self.directLogLikelihood(z, mask, lambda: fit.loadings, psi: fit.psi)
        #expect(abs(fit.diagnostics.logLikelihood - direct) <= 1e-9 * abs(direct))
        // A projected fit whose accelerated stop is short of its fixed point is carried there by
        // the check's plain steps, and a second check from that point certifies it.
        #expect(fit.diagnostics.converged)
        #expect(fit.diagnostics.projectedFixedPointSolved == nil)
    }

    @Test("Free loadings with gaps converge, to a likelihood at least the non-negative fit's (the stop measures Σ_j λ_tj² and ψ, as with complete data)")
    func freeLoadingsConverge() throws {
        let (z, mask) = Self.gappy(n: 120, p: 10, seed: 8)
        var o = FitOptions(factors: 2)
        o.loadings = .free
        let fit = try FactorModel(z: z, observed: mask, k: 2, anchors: [Double?](repeating: nil, count: 10), options: o)
        print("free loadings with gaps: \(fit.diagnostics.iterations) map evaluations, converged \(fit.diagnostics.converged)")
        #expect(fit.diagnostics.converged)
        // Its likelihood is at least the non-negative fit's (a larger parameter set).
        let nonNegative = try FactorModel(z: z, observed: mask, k: 2, anchors: [Double?](repeating: nil, count: 10),
                                          options: FitOptions(factors: 2))
        #expect(fit.diagnostics.logLikelihood >= nonNegative.diagnostics.logLikelihood - 1e-6)
    }

    @Test("Plain EM with the nnls M-step never decreases the observed-data likelihood")
    func monotone() throws {
        let (z, mask) = Self.gappy(seed: 5)
        var o = FitOptions(factors: 2, mStep: .nnls, maxIterations: 400, acceleration: .none)
        o.recordTrace = true
        let fit = try FactorModel(z: z, observed: mask, k: 2, anchors: [Double?](repeating: nil, count: z.columns), options: o)
        let trace = fit.diagnostics.trace
        #expect(trace.count >= 100)
        for i in 1..<trace.count { #expect(trace[i] >= trace[i - 1] - 1e-9 * abs(trace[i - 1])) }
    }

    @Test("The missing-data map on complete data is the covariance-space map (1e-10), and complete data take that map")
    func completeData() throws {
        let (z, _) = Self.gappy(hide: 0)
        let full = ObservedMask(rows: z.rows, columns: z.columns)
        let anchors = [Double?](repeating: nil, count: z.columns)
        // Through the public entry point complete data take the covariance-space map: identical results.
        let viaMask = try FactorModel(z: z, observed: full, k: 2, anchors: anchors)
        let plain = try FactorModel(z: z, k: 2, anchors: anchors)
        #expect(viaMask == plain)
        // The maps themselves agree to rounding on one evaluation.
        var a = MissingDataEMMap(z: z, observed: full, k: 2, anchors: anchors, mStep: .projected, psiFloor: 1e-6)
        var b = CovarianceEMMap(s: z.gram(alpha: 1 / Double(z.rows)), n: z.rows, k: 2, anchors: anchors,
                                mStep: .projected, psiFloor: 1e-6)
        let x = FactorParameters(lambda: (0..<(2 * z.columns)).map { 0.1 + 0.05 * Double($0 % 7) },
                                 psi: [Double](repeating: 0.5, count: z.columns))
        var ya = x, yb = x
        let la = try a.evaluate(x, into: &ya), lb = try b.evaluate(x, into: &yb)
        #expect(abs(la - lb) <= 1e-10 * abs(lb))
        #expect(zip(ya.lambda, yb.lambda).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(zip(ya.psi, yb.psi).allSatisfy { abs($0 - $1) < 1e-10 })
    }
}
