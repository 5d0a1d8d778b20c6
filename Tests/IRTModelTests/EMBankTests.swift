import Foundation
@testable import IRTModel
import Linalg
import Testing

/// The five hardest cases of the EM test bank (`scripts/em-bank`,
/// Benchmarks/Sources/em-bank), rebuilt exactly as the bank builds them, fitted
/// with the defaults (Anderson, estimated distance below 1e-7) for each M-step
/// and with free loadings, against the budget of 5,000 map evaluations.
///
/// "Hardest" = most map evaluations over the three fits, ties broken by the
/// largest estimated distance left at the cap, in the bank run of 2026-12-01
/// before issue #11's changes (Benchmarks/README.md, "EM test bank"). Map
/// evaluations (cap 200,000; "cap" = the stop rule was not met), before → now
/// (the bank's fourth round; counts move with the rounding of a path, and
/// `d/sample-k8-free` projected has ~3% of the budget to spare)
/// (projected: including the nnls fit that follows an exhausted projected
/// budget of 3,000, METHOD.md §6; the budget is 2,000 since the fifth round,
/// which took `d/sample-k8-free` projected to 3,862 — the bank's other fit over
/// 5,000 then, `d/sample-k8-fixed`, is in ProjectedFallbackTests):
///
/// | case | projected | nnls | free |
/// |---|---|---|---|
/// | d/sample-k3-free | cap → 3,422 (nnls after 3,000) | cap → 669 | cap → 510 |
/// | d/sample-k5-free | cap → 3,752 (nnls after 3,000) | cap → 989 | cap → 604 |
/// | d/sample-k7-free | cap → 4,584 (nnls after 3,000) | cap → 1,893 | cap → 664 |
/// | d/sample-k8-free | cap → 4,862 (nnls after 3,000) | cap → 2,944 | cap → 851 |
/// | c/k5-n150-p30-nz-hw1 | cap → 3,206 (nnls after 3,000) | cap → 296 | cap → 292 |
///
/// All five are Heywood problems: the sample with every ψ free has tasks whose
/// ML uniqueness is 1e-6 (the floor) to 6e-5 at k = 3 and 2e-6 at k = 5, and the
/// synthetic sweep has a task with ψ = 0.002 on 150 runs. What converges them
/// is the quasi-Newton polish of the nnls and free-loading fits
/// (ProjectedQuasiNewton.swift), the projected M-step's budget, and an E-step
/// that stays accurate when a ψ is at its floor (FactorEMUpdate.swift: until
/// it solved for `Σ⁻¹Λ` instead of multiplying by `M⁻¹`, the five fits that
/// were known failures here — nnls with ψ at its floor, and the projected
/// fits' nnls continuations — jittered by 10⁻⁷ per evaluation and could not
/// be certified; `c/k5-n150-p30-nz-hw1` nnls took 112,611 evaluations).
@Suite("EM bank: the five hardest cases converge")
struct EMBankTests {
    enum Variant: String, CaseIterable, Sendable {
        case projected, nnls, free
    }

    struct BankCase: Sendable, CustomTestStringConvertible {
        let name: String
        let s: Matrix
        let n: Int
        let k: Int
        var testDescription: String { name }
    }

    /// `S = ZᵀZ/n` exactly as `FactorModel(z:…)` and the bank form it.
    static func covariance(ofStandardized z: Matrix) -> Matrix {
        BLASThreading.withThreadCount(1) { z.gram(alpha: 1 / Double(z.rows)) }
    }

    static let sampleZ = try! PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference).z

    /// The bank's `d/sample-k<k>-free`: the sample, every ψ free.
    static func sampleFree(k: Int) -> BankCase {
        BankCase(name: "d/sample-k\(k)-free", s: covariance(ofStandardized: sampleZ), n: sampleZ.rows, k: k)
    }

    /// The bank's `c/k5-n150-p30-nz-hw1` (synthetic grid entry 11, seed 3011).
    static func synthetic() -> BankCase {
        let sweep = SyntheticSweep(runs: 150, tasks: 30, factors: 5, seed: 3011, noiseRuns: 0,
                                   shape: .init(nearZeroCrossLoadings: 0.5, heywoodTasks: 1))
        let z = try! sweep.signedScores().standardized(ddof: 0).z
        return BankCase(name: "c/k5-n150-p30-nz-hw1", s: covariance(ofStandardized: z), n: 150, k: 5)
    }

    static let cases: [BankCase] = [sampleFree(k: 3), sampleFree(k: 5), sampleFree(k: 7), sampleFree(k: 8), synthetic()]

    static func fit(_ c: BankCase, _ variant: Variant, cap: Int) throws -> FitDiagnostics {
        var o = FitOptions(factors: c.k, maxIterations: cap)
        switch variant {
        case .projected: o.mStep = .projected
        case .nnls: o.mStep = .nnls
        case .free: o.loadings = .free
        }
        let model = try FactorModel(covariance: c.s, observations: c.n, k: c.k,
                                    anchors: [Double?](repeating: nil, count: c.s.rows), options: o)
        return model.diagnostics
    }

    @Test("Converged within 5,000 map evaluations", arguments: cases, Variant.allCases)
    func converges(_ c: BankCase, _ variant: Variant) throws {
        let d = try Self.fit(c, variant, cap: 5_000)
        print("\(c.name) \(variant.rawValue): \(d.iterations) evaluations, converged \(d.converged), estimated distance \(d.estimatedDistance), ℓ = \(d.logLikelihood), m-step \(d.mStep)")
        // (The cap is the budget: converged means within 5,000.)
        #expect(d.converged)
        #expect(d.estimatedDistance < FitOptions().stopRule.tolerance)
        // A projected fit either reached its own fixed point or says it finished with nnls.
        if variant == .projected { #expect(d.mStep == .projected || d.mStepFallback != nil) }
    }
}
