import Foundation
@testable import IRTModel
import Linalg
import Testing

/// The E-step where a free uniqueness sits at its floor (a Heywood case,
/// ψ_t = 1e-6): `I + ΛᵀΨ⁻¹Λ` has an eigenvalue ~10⁶, so an E-step that formed
/// its inverse would amplify rounding by as much (FactorEMUpdate.swift solves
/// instead). Checked against the dense p × p computation through a Cholesky
/// factor of `Σ = ΛΛᵀ + Ψ` (LAPACK), which has no such amplification, at the
/// nnls answers of two of EMBankTests' cases with tasks at the floor: the
/// synthetic sweep with a Heywood task and the sample with every ψ free (k = 5).
@Suite("Heywood precision: the E-step at ψ = floor")
struct HeywoodPrecisionTests {
    typealias Problem = EMBankTests.BankCase

    static let problems: [Problem] = [EMBankTests.synthetic(), EMBankTests.sampleFree(k: 5)]

    /// The nnls fit of `problem` with every ψ free: its loadings and uniquenesses.
    static func answer(_ problem: Problem) throws -> FactorParameters {
        var options = FitOptions(factors: problem.k)
        options.mStep = .nnls
        let model = try FactorModel(covariance: problem.s, observations: problem.n, k: problem.k,
                                    anchors: [Double?](repeating: nil, count: problem.s.rows), options: options)
        return FactorParameters(lambda: model.loadings.elements, psi: model.psi)
    }

    static func map(_ problem: Problem) -> CovarianceEMMap {
        CovarianceEMMap(s: problem.s, n: problem.n, k: problem.k,
                        anchors: [Double?](repeating: nil, count: problem.s.rows), mStep: .nnls, psiFloor: 1e-6)
    }

    /// `Σ = ΛΛᵀ + Ψ` and its Cholesky factor.
    static func sigma(_ x: FactorParameters, p: Int, k: Int) throws -> Cholesky {
        let lambda = try Matrix(rows: p, columns: k, columnMajor: x.lambda)
        var sigma = try lambda.multiplied(by: lambda, transposingOther: .transpose)
        for t in 0..<p { sigma[t, t] += x.psi[t] }
        return try Cholesky(sigma)
    }

    @Test("The answer has a task at the floor", arguments: problems)
    func heywood(_ problem: Problem) throws {
        let x = try Self.answer(problem)
        #expect(x.psi.min()! <= 1e-6 * (1 + 1e-12))
    }

    @Test("ℓ agrees with the dense −n/2 (p log 2π + log|Σ| + tr Σ⁻¹S) to 1e-10 relative", arguments: problems)
    func logLikelihood(_ problem: Problem) throws {
        let x = try Self.answer(problem)
        let p = problem.s.rows, k = problem.k
        var map = Self.map(problem)
        var next = x
        let fromMap = try map.evaluate(x, into: &next)
        let factor = try Self.sigma(x, p: p, k: k)
        let solved = try factor.solve(problem.s)
        let trace = (0..<p).reduce(0.0) { $0 + solved[$1, $1] }
        let dense = -Double(problem.n) / 2 * (Double(p) * log(2 * Double.pi) + factor.logDeterminant + trace)
        print("\(problem.name): ℓ map \(fromMap), dense \(dense), difference \(fromMap - dense)")
        #expect(abs(fromMap - dense) <= 1e-10 * abs(dense))
    }

    /// `max_t |λ_tᵀ(a_t − d_t)| / ψ_t` for rows `a_t` of `a` and `d_t` of the dense `Σ⁻¹Λ`:
    /// the part of A that `P_tt`, ℓ and the update divide by ψ_t, where the
    /// rounding of a formed inverse is amplified (its entries are right to ~1e-11 either way).
    static func alongLoadings(_ a: Matrix, _ dense: Matrix, _ x: FactorParameters, p: Int, k: Int) -> Double {
        (0..<p).map { t in
            abs((0..<k).reduce(0.0) { $0 + x.lambda[t + $1 * p] * (a[t, $1] - dense[t, $1]) }) / x.psi[t]
        }.max() ?? 0
    }

    @Test("A = Σ⁻¹Λ (the E-step's, and the scores' B V) agrees with the dense solve: 1e-10 entrywise, 1e-8 along λ_t/ψ_t",
          arguments: problems)
    func regression(_ problem: Problem) throws {
        let x = try Self.answer(problem)
        let p = problem.s.rows, k = problem.k
        var update = Self.map(problem).update
        try update.loadRegression(x)
        let dense = try Self.sigma(x, p: p, k: k).solve(try Matrix(rows: p, columns: k, columnMajor: x.lambda))
        // The scores' projection B V (Posterior) is the same matrix.
        let posterior = try Posterior(loadings: try Matrix(rows: p, columns: k, columnMajor: x.lambda), psi: x.psi,
                                      observed: Array(0..<p))
        let gap = try update.a.maxAbsDifference(dense)
        let scoreGap = try posterior.projection.maxAbsDifference(dense)
        let along = Self.alongLoadings(update.a, dense, x, p: p, k: k)
        let scoreAlong = Self.alongLoadings(posterior.projection, dense, x, p: p, k: k)
        print("\(problem.name): max |A − Σ⁻¹Λ| = \(gap), along λ/ψ \(along); B V: \(scoreGap), along λ/ψ \(scoreAlong)")
        #expect(gap <= 1e-10)
        #expect(scoreGap <= 1e-10)
        // The former product of Ψ⁻¹Λ and the formed inverse: 5e-7 (A) and 2e-6 (B V) on c/k5-n150-p30-nz-hw1.
        #expect(along <= 1e-8)
        #expect(scoreAlong <= 1e-8)
    }

    @Test("At the answer, plain EM steps shrink smoothly and ℓ never drops beyond its rounding", arguments: problems)
    func smoothSteps(_ problem: Problem) throws {
        var x = try Self.answer(problem)
        var map = Self.map(problem)
        var next = x
        var previousLikelihood = -Double.infinity, previousStep = Double.nan
        for _ in 0..<20 {
            let logLikelihood = try map.evaluate(x, into: &next)
            let step = zip(x.lambda, next.lambda).map { abs($0 - $1) }.max()!
            // Near its fixed point EM contracts at a steady rate (here 0.99–0.9999):
            // consecutive steps differ by a factor near 1, not by rounding noise.
            if previousStep.isFinite {
                #expect(step < 1e-7)
                #expect(step / previousStep > 0.5 && step / previousStep < 1.05, "steps \(previousStep) → \(step)")
            }
            // EM with the nnls M-step is monotone; ℓ's rounding here is ~3e-11 relative.
            #expect(logLikelihood >= previousLikelihood - 1e-10 * abs(logLikelihood))
            previousLikelihood = logLikelihood
            previousStep = step
            swap(&x, &next)
        }
    }
}
