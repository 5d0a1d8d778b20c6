import Foundation
@testable import IRTModel
import Linalg
import Testing

/// The five hardest cases of the EM test bank (`scripts/em-bank`,
/// Benchmarks/Sources/em-bank), rebuilt exactly as the bank builds them, fitted
/// with the defaults (Anderson, estimated distance below 1e-7, cap 200,000) for
/// each M-step and with free loadings.
///
/// "Hardest" = most map evaluations over the three fits, ties broken by the
/// largest estimated distance left at the cap, in the bank run of 2026-12-01
/// (Benchmarks/README.md, "EM test bank", before):
///
/// | case | projected | nnls | free |
/// |---|---|---|---|
/// | d/sample-k3-free | cap, not converged (distance ∞) | cap (4.8e-2) | cap (∞) |
/// | d/sample-k5-free | cap (∞) | cap (1.6e-2) | cap (9.8e-4) |
/// | d/sample-k7-free | cap (∞) | cap (∞) | cap (7.1e-5) |
/// | d/sample-k8-free | cap (∞) | cap (∞) | cap (3.0e-4) |
/// | c/k5-n150-p30-nz-hw1 | cap (6.4e-4) | cap (8.3e-3) | cap (4.0e-4) |
///
/// ("cap" = 200,000 map evaluations without meeting the stop rule; this
/// suite reproduced every number above, ℓ to the last digit.) The
/// sample's cases are the bundled sample with every ψ free: at k ≥ 3 some
/// tasks go Heywood (ψ to its floor). The synthetic one has near-zero
/// cross-loadings and a Heywood-prone task.
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

    static func fit(_ c: BankCase, _ variant: Variant) throws -> FitDiagnostics {
        var o = FitOptions(factors: c.k, maxIterations: 200_000)
        switch variant {
        case .projected: o.mStep = .projected
        case .nnls: o.mStep = .nnls
        case .free: o.loadings = .free
        }
        let model = try FactorModel(covariance: c.s, observations: c.n, k: c.k,
                                    anchors: [Double?](repeating: nil, count: c.s.rows), options: o)
        return model.diagnostics
    }

    @Test("Converged within 200,000 map evaluations", arguments: cases, Variant.allCases)
    func converges(_ c: BankCase, _ variant: Variant) throws {
        let d = try Self.fit(c, variant)
        print("\(c.name) \(variant.rawValue): \(d.iterations) evaluations, converged \(d.converged), estimated distance \(d.estimatedDistance), ℓ = \(d.logLikelihood)")
        // Known failure (issue #11): on 2026-12-01 none of these 15 fits met
        // the stop rule within the cap (see the type's table).
        let converged = d.converged
        withKnownIssue("the EM does not converge on \(c.name) (\(variant.rawValue)) within 200,000 evaluations") {
            #expect(converged)
        }
    }
}
