import Foundation
@testable import IRTModel
import Linalg
import Testing

/// The five hardest cases of the EM test bank (`scripts/em-bank`,
/// Benchmarks/Sources/em-bank), rebuilt exactly as the bank builds them, fitted
/// with the defaults (Anderson, estimated distance below 1e-7) for each M-step
/// and with free loadings.
///
/// "Hardest" = most map evaluations over the three fits, ties broken by the
/// largest estimated distance left at the cap, in the bank run of 2026-12-01
/// before the safeguard and drift-step changes of issue #11
/// (Benchmarks/README.md, "EM test bank"). Map evaluations (cap 200,000;
/// "cap" = the stop rule was not met), before → after:
///
/// | case | projected | nnls | free |
/// |---|---|---|---|
/// | d/sample-k3-free | cap → **170,548** | cap → cap | cap → cap |
/// | d/sample-k5-free | cap → cap | cap → cap | cap → cap |
/// | d/sample-k7-free | cap → cap | cap → cap | cap → cap |
/// | d/sample-k8-free | cap → cap | cap → cap | cap → cap |
/// | c/k5-n150-p30-nz-hw1 | cap → cap | cap → cap | cap → cap |
///
/// (The suite reproduced every "before" number, ℓ to the last digit.) All five
/// are Heywood problems: the sample with every ψ free has tasks whose ML
/// uniqueness is 1e-6 (the floor) to 6e-5 at k = 3 and 2e-6 at k = 5, and the
/// synthetic sweep has a task with ψ = 0.002 on 150 runs. With uniquenesses that
/// small the likelihood is conditioned like 1/ψ and EM creeps (its rate tends
/// to 1); with factanal's floor of 0.005 the same fits converge in a few
/// hundred evaluations (Benchmarks/README.md). **Known failures**: the 14 fits
/// marked "cap" — each is checked with a 20,000-evaluation cap to keep the suite
/// fast (the bank shows none converges within 200,000 either) and recorded as
/// a known issue, so this test fails once one of them converges.
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

    /// The one fit of the five that converges since issue #11's changes (170,548 evaluations).
    static func converges(_ c: BankCase, _ variant: Variant) -> Bool {
        c.name == "d/sample-k3-free" && variant == .projected
    }

    @Test("Converged within 200,000 map evaluations (14 known failures, checked at 20,000)",
          arguments: cases, Variant.allCases)
    func converges(_ c: BankCase, _ variant: Variant) throws {
        let expected = Self.converges(c, variant)
        let d = try Self.fit(c, variant, cap: expected ? 200_000 : 20_000)
        print("\(c.name) \(variant.rawValue): \(d.iterations) evaluations, converged \(d.converged), estimated distance \(d.estimatedDistance), ℓ = \(d.logLikelihood)")
        let converged = d.converged
        if expected {
            #expect(converged)
        } else {
            // Known failure (issue #11): a Heywood problem EM does not solve in time.
            withKnownIssue("the EM does not converge on \(c.name) (\(variant.rawValue)): a uniqueness near 0") {
                #expect(converged)
            }
        }
    }
}
