import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import LinalgReference
import Testing

/// Free loadings by the concentrated likelihood (``ConcentratedFit``): its
/// objective and gradient against direct computations, its optimum against the
/// EM's, bounds, anchors, the smallest problems and bad input.
@Suite("Free loadings by the concentrated likelihood")
struct ConcentratedFitTests {
    /// The correlation matrix of a synthetic sweep (n runs, p tasks, `factors` true factors).
    static func correlation(n: Int, p: Int, factors: Int, seed: UInt64, heywood: Int = 0) -> Matrix {
        let sweep = SyntheticSweep(runs: n, tasks: p, factors: factors, seed: seed, noiseRuns: 0,
                                   shape: .init(heywoodTasks: heywood))
        let z = try! sweep.signedScores().standardized(ddof: 0).z
        return z.gram(alpha: 1 / Double(n))
    }

    static func options(_ tolerance: Double = 1e-9, fit: FreeLoadingFit = .concentrated) -> FitOptions {
        var o = FitOptions(stopRule: .estimatedDistance(tolerance: tolerance), maxIterations: 200_000)
        o.loadings = .free
        o.freeLoadingFit = fit
        return o
    }

    static func free(_ p: Int) -> [Double?] { [Double?](repeating: nil, count: p) }

    /// `ΛΛᵀ + Ψ`.
    static func sigma(_ lambda: Matrix, _ psi: [Double]) -> Matrix {
        Matrix(rows: psi.count, columns: psi.count) { i, j in
            (0..<lambda.columns).reduce(i == j ? psi[i] : 0) { $0 + lambda[i, $1] * lambda[j, $1] }
        }
    }

    /// `ln|Σ| + tr(Σ⁻¹S)` by the pure-Swift reference Cholesky.
    static func discrepancy(_ sigma: Matrix, _ s: Matrix) throws -> Double {
        let l = try Reference.cholesky(sigma)
        let logDet = (0..<sigma.rows).reduce(0.0) { $0 + 2 * log(l[$1, $1]) }
        let solved = try Reference.choleskySolve(sigma, s)
        return logDet + (0..<s.rows).reduce(0.0) { $0 + solved[$1, $1] }
    }

    // MARK: - The objective

    @Test("F(ψ) is ln|Σ| + tr(Σ⁻¹S) at Λ(ψ), Λ(ψ) is stationary, and ∂F/∂ψ matches central differences",
          arguments: [(12, 1), (12, 3), (30, 5)])
    func gradient(p: Int, k: Int) throws {
        let s = Self.correlation(n: 4 * p, p: p, factors: k, seed: UInt64(100 + p + k))
        let likelihood = ConcentratedLikelihood(s: s, k: k, n: 4 * p)
        var rng = Xoshiro256StarStar(seed: 7)
        let psi = (0..<p).map { _ in 0.2 + 0.6 * Double.random(in: 0..<1, using: &rng) }
        let point = try likelihood.evaluate(psi)
        let lambda = Matrix(rows: p, columns: k) { i, j in point.lambda[i + j * p] }
        // F against the dense computation.
        let direct = try Self.discrepancy(Self.sigma(lambda, psi), s)
        #expect(abs(point.objective - direct) <= 1e-11 * abs(direct), "F \(point.objective) vs \(direct)")
        // Λ(ψ) maximizes over Λ: (Σ − S)Ψ⁻¹Λ = 0.
        let residual = Self.sigma(lambda, psi)
        var worst = 0.0
        for t in 0..<p { for j in 0..<k {
            let v = (0..<p).reduce(0.0) { $0 + (residual[t, $1] - s[t, $1]) / psi[$1] * lambda[$1, j] }
            worst = max(worst, abs(v))
        } }
        #expect(worst < 1e-11, "(Σ − S)Ψ⁻¹Λ = \(worst)")
        // The gradient against central differences.
        for t in 0..<p {
            let h = 1e-5 * psi[t]
            var up = psi, down = psi
            up[t] += h; down[t] -= h
            let numeric = (try likelihood.evaluate(up).objective - likelihood.evaluate(down).objective) / (2 * h)
            #expect(abs(point.gradient[t] - numeric) <= 1e-6 * max(1, abs(numeric)),
                    "task \(t): analytic \(point.gradient[t]), numeric \(numeric)")
        }
        // ℓ from F.
        let nd = Double(4 * p)
        #expect(abs(likelihood.logLikelihood(objective: direct) - -nd / 2 * (Double(p) * log(2 * .pi) + direct)) < 1e-9)
    }

    @Test("A top eigenvalue ≤ 1 gives a zero column and F counts it as unexplained")
    func eigenvalueBelowOne() throws {
        // Uncorrelated tasks with ψ = 1: S* = S = I has every γ = 1.
        let s = Matrix.identity(4)
        let point = try ConcentratedLikelihood(s: s, k: 2, n: 50).evaluate([1, 1, 1, 1])
        #expect(point.lambda.allSatisfy { $0 == 0 })
        #expect(abs(point.objective - 4) < 1e-14)   // ln|I| + tr(I)
        #expect(point.gradient.allSatisfy { abs($0) < 1e-14 })
    }

    // MARK: - The optimum

    @Test("The same optimum as the EM's free fit: Σ within 1e-6, ψ within 1e-5, ℓ within 1e-9 relative",
          arguments: [(200, 12, 2), (300, 30, 3), (500, 60, 5), (1000, 100, 4)])
    func sameOptimumAsEM(n: Int, p: Int, k: Int) throws {
        let s = Self.correlation(n: n, p: p, factors: k, seed: UInt64(n + p + k))
        let concentrated = try FactorModel(covariance: s, observations: n, k: k, anchors: Self.free(p), options: Self.options())
        let em = try FactorModel(covariance: s, observations: n, k: k, anchors: Self.free(p),
                                 options: Self.options(1e-10, fit: .em))
        let c = concentrated.diagnostics, e = em.diagnostics
        print("n=\(n) p=\(p) k=\(k): concentrated \(c.concentrated?.iterations ?? -1) iterations, \(c.iterations) evaluations, ℓ \(c.logLikelihood); EM \(e.iterations) evaluations, ℓ \(e.logLikelihood)")
        #expect(c.concentrated != nil && e.concentrated == nil)
        #expect(c.converged && e.converged)
        #expect(c.iterations < 200)
        let gap = try Self.sigma(concentrated.loadings, concentrated.psi).maxAbsDifference(Self.sigma(em.loadings, em.psi))
        #expect(gap < 1e-6, "Σ gap \(gap)")
        #expect(zip(concentrated.psi, em.psi).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(abs(c.logLikelihood - e.logLikelihood) <= 1e-9 * abs(e.logLikelihood))
        // Shown as the EM's free fit is: varimax, factors by descending sum of squares; and columns summing ≥ 0.
        #expect(c.rotation == (k > 1 ? .varimax : nil) && c.loadings == .free)
        let sums = (0..<k).map { j in (0..<p).reduce(0.0) { $0 + concentrated.loadings[$1, j] * concentrated.loadings[$1, j] } }
        #expect(sums == sums.sorted(by: >))
        #expect((0..<k).allSatisfy { j in (0..<p).reduce(0.0) { $0 + concentrated.loadings[$1, j] } >= 0 })
        // h² from Λ and ψ.
        for t in 0..<p { #expect(abs(concentrated.communality[t] - (1 - concentrated.psi[t] / s[t, t]) ) < 1e-6) }
    }

    @Test("Every start reaches the same optimum; the recorded Λ0 reproduces the fit", arguments: [UInt64(1), 2, 9])
    func starts(seed: UInt64) throws {
        let s = Self.correlation(n: 300, p: 20, factors: 3, seed: 5)
        let base = try FactorModel(covariance: s, observations: 300, k: 3, anchors: Self.free(20), options: Self.options())
        var o = Self.options()
        o.initSeed = seed
        let other = try FactorModel(covariance: s, observations: 300, k: 3, anchors: Self.free(20), options: o)
        #expect(other.diagnostics.initialLoadings != base.diagnostics.initialLoadings)
        #expect(abs(other.diagnostics.logLikelihood - base.diagnostics.logLikelihood) < 1e-9 * abs(base.diagnostics.logLikelihood))
        #expect(zip(other.psi, base.psi).allSatisfy { abs($0 - $1) < 1e-6 })
        var again = Self.options()
        again.initialLoadings = other.diagnostics.initialLoadings
        let replay = try FactorModel(covariance: s, observations: 300, k: 3, anchors: Self.free(20), options: again)
        #expect(zip(replay.psi, other.psi).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(replay.diagnostics.initialLoadings == other.diagnostics.initialLoadings)
    }

    // MARK: - Bounds and anchors

    @Test("A Heywood task ends at its bound (scalar floor or a per-task bound), with ∂F/∂ψ ≥ 0 there and the EM's optimum")
    func heywood() throws {
        let s = Self.correlation(n: 150, p: 30, factors: 5, seed: 3011, heywood: 1)
        let model = try FactorModel(covariance: s, observations: 150, k: 5, anchors: Self.free(30), options: Self.options())
        let d = try #require(model.diagnostics.concentrated)
        let atFloor = model.psi.indices.filter { model.psi[$0] == FitOptions().psiFloor }
        print("Heywood: \(d.iterations) iterations, \(d.evaluations) evaluations, tasks at bound \(d.tasksAtBound), at floor \(atFloor)")
        #expect(!atFloor.isEmpty && d.tasksAtBound == atFloor.count)
        #expect(model.diagnostics.converged)
        // KKT at the bound: F increases into the feasible side.
        let point = try ConcentratedLikelihood(s: s, k: 5, n: 150).evaluate(model.psi)
        for t in atFloor { #expect(point.gradient[t] > 0) }
        let em = try FactorModel(covariance: s, observations: 150, k: 5, anchors: Self.free(30), options: Self.options(1e-10, fit: .em))
        #expect(model.diagnostics.logLikelihood >= em.diagnostics.logLikelihood - 1e-8 * abs(em.diagnostics.logLikelihood))
        #expect(zip(model.psi, em.psi).allSatisfy { abs($0 - $1) < 1e-5 })

        // factanal's bound 0.005 on every task: the Heywood task stops there.
        let bounds = [Double](repeating: 0.005, count: 30)
        let bounded = try FactorModel(concentrated: s, observations: 150, k: 5, anchors: Self.free(30), lowerBounds: bounds,
                                      options: Self.options(), progress: nil)
        for t in atFloor { #expect(bounded.psi[t] == 0.005) }
        #expect(bounded.psi.allSatisfy { $0 >= 0.005 })
        #expect(bounded.diagnostics.converged)
        #expect(bounded.diagnostics.logLikelihood <= model.diagnostics.logLikelihood + 1e-9 * abs(model.diagnostics.logLikelihood))
    }

    @Test("Anchored tasks keep their ψ exactly; the free ψ reach the EM's optimum", arguments: [1, 3])
    func anchored(k: Int) throws {
        let p = 15
        let s = Self.correlation(n: 400, p: p, factors: 3, seed: 77)
        let anchors: [Double?] = (0..<p).map { (t: Int) -> Double? in
            t % 4 == 0 ? 0.3 + 0.01 * Double(t) : nil
        }
        let model = try FactorModel(covariance: s, observations: 400, k: k, anchors: anchors, options: Self.options())
        let em = try FactorModel(covariance: s, observations: 400, k: k, anchors: anchors, options: Self.options(1e-10, fit: .em))
        for t in 0..<p { if let a = anchors[t] { #expect(model.psi[t] == a) } }
        #expect(model.diagnostics.converged)
        #expect(zip(model.psi, em.psi).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(abs(model.diagnostics.logLikelihood - em.diagnostics.logLikelihood) <= 1e-9 * abs(em.diagnostics.logLikelihood))
        // Every task anchored: nothing to optimize, Λ(ψ) at the anchors.
        let all: [Double?] = (0..<p).map { _ in 0.5 }
        let fixed = try FactorModel(covariance: s, observations: 400, k: k, anchors: all, options: Self.options())
        #expect(fixed.psi.allSatisfy { $0 == 0.5 } && fixed.diagnostics.converged)
    }

    // MARK: - The smallest problems

    @Test("p = 3, k = 1 is the exact fit: λ_i² = r_ij r_ik / r_jk, ψ_i = 1 − λ_i²; λ₁² > 1 puts ψ₁ at the floor")
    func threeTasksOneFactor() throws {
        let r = try Matrix(rows: [[1, 0.48, 0.42], [0.48, 1, 0.56], [0.42, 0.56, 1]])
        let exact = [0.48 * 0.42 / 0.56, 0.48 * 0.56 / 0.42, 0.42 * 0.56 / 0.48]   // 0.36, 0.64, 0.49
        let fit = try FactorModel(covariance: r, observations: 100, k: 1, anchors: Self.free(3), options: Self.options(1e-12))
        for t in 0..<3 {
            #expect(abs(fit.loadings[t, 0] * fit.loadings[t, 0] - exact[t]) < 1e-8, "task \(t)")
            #expect(abs(fit.psi[t] - (1 - exact[t])) < 1e-8)
        }
        #expect(fit.loadings.elements.allSatisfy { $0 > 0 })
        #expect(fit.diagnostics.converged && fit.diagnostics.rotation == nil)
        // Here the exact fit has λ₁² = 0.6 · 0.5 / 0.25 = 1.2, ψ₁ = −0.2: ψ₁ ends at the floor.
        let heywood = try Matrix(rows: [[1, 0.6, 0.5], [0.6, 1, 0.25], [0.5, 0.25, 1]])
        let model = try FactorModel(covariance: heywood, observations: 100, k: 1, anchors: Self.free(3), options: Self.options(1e-12))
        #expect(model.psi[0] == FitOptions().psiFloor)
        #expect(model.diagnostics.concentrated?.tasksAtBound == 1)
        #expect(model.diagnostics.converged)
    }

    @Test("k = 1 on a larger problem, and k = p − 1 with p = 3, converge")
    func smallK() throws {
        let s = Self.correlation(n: 200, p: 10, factors: 1, seed: 4)
        let one = try FactorModel(covariance: s, observations: 200, k: 1, anchors: Self.free(10), options: Self.options())
        let em = try FactorModel(covariance: s, observations: 200, k: 1, anchors: Self.free(10), options: Self.options(1e-10, fit: .em))
        #expect(one.diagnostics.converged)
        #expect(zip(one.psi, em.psi).allSatisfy { abs($0 - $1) < 1e-5 })
        let r = try Matrix(rows: [[1, 0.48, 0.42], [0.48, 1, 0.56], [0.42, 0.56, 1]])
        let two = try FactorModel(covariance: r, observations: 100, k: 2, anchors: Self.free(3), options: Self.options())
        // Σ = S to the optimizer's precision (more parameters than S has).
        #expect(try Self.sigma(two.loadings, two.psi).maxAbsDifference(r) < 1e-5)
    }

    // MARK: - Bad input

    @Test("Bad input is a typed error naming what is wrong")
    func badInput() throws {
        let r = try Matrix(rows: [[1, 0.48, 0.42], [0.48, 1, 0.56], [0.42, 0.56, 1]])
        let o = Self.options()
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(throws: AnalysisError.self) {
            _ = try FactorModel(covariance: r, observations: 100, k: 4, anchors: Self.free(3), options: o)
        }
        #expect(throws: AnalysisError.self) {
            _ = try FactorModel(covariance: r, observations: 100, k: 0, anchors: Self.free(3), options: o)
        }
        var nan = r
        nan[2, 1] = .nan
        #expect(message { _ = try FactorModel(covariance: nan, observations: 100, k: 1, anchors: Self.free(3), options: o) }
            .contains("row 3, column 2"))
        var zero = r
        zero[1, 1] = 0
        #expect(message { _ = try FactorModel(covariance: zero, observations: 100, k: 1, anchors: Self.free(3), options: o) }
            .contains("task 2"))
        #expect(message { _ = try FactorModel(covariance: Matrix(rows: 3, columns: 2), observations: 100, k: 1,
                                              anchors: Self.free(2), options: o) }.contains("square"))
        #expect(message { _ = try FactorModel(concentrated: r, observations: 100, k: 1, anchors: Self.free(3),
                                              lowerBounds: [0.01, 0, 0.01], options: o, progress: nil) }.contains("task 2"))
        #expect(message { _ = try FactorModel(concentrated: r, observations: 100, k: 1, anchors: Self.free(3),
                                              lowerBounds: [0.01], options: o, progress: nil) }.contains("per task"))
        var shape = o
        shape.initialLoadings = [[0.5], [0.5]]
        #expect(throws: AnalysisError.self) {
            _ = try FactorModel(covariance: r, observations: 100, k: 1, anchors: Self.free(3), options: shape)
        }
        var infinite = o
        infinite.initialLoadings = [[0.5], [.infinity], [0.5]]
        #expect(throws: AnalysisError.self) {
            _ = try FactorModel(covariance: r, observations: 100, k: 1, anchors: Self.free(3), options: infinite)
        }
        // Negative starting loadings are fine for free loadings (a rotated fit's Λ may have them).
        var negative = o
        negative.initialLoadings = [[-0.5], [0.6], [-0.7]]
        let fit = try FactorModel(covariance: r, observations: 100, k: 1, anchors: Self.free(3), options: negative)
        #expect(fit.diagnostics.converged)
    }

    @Test("The bootstrap's warm start from a free fit's rotated (partly negative) loadings refits every resample")
    func bootstrapWarmStart() throws {
        let n = 200, p = 12
        let sweep = SyntheticSweep(runs: n, tasks: p, factors: 2, seed: 21, noiseRuns: 0)
        let z = try sweep.signedScores().standardized(ddof: 0).z
        var o = Self.options(1e-7)
        o.factors = 2
        let model = try FactorModel(covariance: z.gram(alpha: 1 / Double(n)), observations: n, k: 2, anchors: Self.free(p), options: o)
        #expect(model.loadings.elements.contains { $0 < 0 })
        let boot = try #require(ModelBootstrap(z: z, model: model, anchors: Self.free(p), options: o,
                                               aggregates: [Double](repeating: 0, count: n), refits: 4, seed: 3, threads: 1))
        #expect(boot.failed == 0 && boot.refits == 4)
    }

    @Test("The evaluation cap ends the fit unconverged, and counts evaluations")
    func cap() throws {
        let s = Self.correlation(n: 300, p: 30, factors: 3, seed: 12)
        var o = Self.options()
        o.maxIterations = 3
        let fit = try FactorModel(covariance: s, observations: 300, k: 3, anchors: Self.free(30), options: o)
        #expect(!fit.diagnostics.converged)
        #expect(fit.diagnostics.iterations <= 3 && fit.diagnostics.concentrated?.evaluations == fit.diagnostics.iterations)
    }
}
