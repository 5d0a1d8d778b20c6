import Foundation
@testable import IRTModel
import Linalg
import Testing

/// Projected maps that reach no fixed point (METHOD.md §6): the projected
/// M-step's budget (``EMTuning/projectedBudget``) runs out, the reason (a cycle
/// at the bound or a crawl) is recorded, and the fit is finished with nnls
/// within 5,000 evaluations and says so. The cases are built exactly as the EM
/// bank (Benchmarks/Sources/em-bank) builds them, so a failure here can be
/// reproduced there by name.
@Suite("Projected M-step without a fixed point: detected, finished with nnls, said")
struct ProjectedFallbackTests {
    /// The sample as the bank prepares it, and its noise anchors.
    static let sample = try! PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference)
    static let anchors = try! NoiseFloor(sweep: sample, noise: SharedRuns.fixedNoise).noiseShare

    /// The bank's `b/boot-<i>`: the sample's runs drawn with replacement (seed
    /// 2000 + i), re-standardized, `S = ZᵀZ/n` (Benchmarks/Sources/em-bank/Cases.swift).
    static func bootstrap(_ i: Int) -> Matrix {
        let z = sample.z
        var rng = Xoshiro256StarStar(seed: UInt64(2000 + i))
        var out = Matrix(rows: z.rows, columns: z.columns)
        for r in 0..<z.rows {
            let source = Int(rng.next() % UInt64(z.rows))
            for t in 0..<z.columns { out[r, t] = z[source, t] }
        }
        let standardized = try! out.standardized(ddof: 0).z
        return BLASThreading.withThreadCount(1) { standardized.gram(alpha: 1 / Double(z.rows)) }
    }

    /// A bootstrap resample at k = 4 with the sample's anchors (the bank's
    /// `b/boot-21`) whose projected map has no fixed point.
    static let boot21: FactorModel = try! FactorModel(covariance: bootstrap(21), observations: sample.z.rows, k: 4,
                                                      anchors: anchors, options: FitOptions(factors: 4))

    /// The sample with its anchors at k = 6 (the bank's `d/sample-k6-fixed`),
    /// whose projected map cycles between clipped points at the bound.
    static let sampleK6: FactorModel = {
        let s = BLASThreading.withThreadCount(1) { sample.z.gram(alpha: 1 / Double(sample.z.rows)) }
        return try! FactorModel(covariance: s, observations: sample.z.rows, k: 6, anchors: anchors,
                                options: FitOptions(factors: 6))
    }()

    /// Checks that a fit left the projected M-step at its budget and finished
    /// with nnls, converged within 5,000 evaluations; returns the fallback's record.
    static func finishedWithNNLS(_ name: String, _ d: FitDiagnostics) throws -> MStepFallback {
        print("\(name) projected: \(d.iterations) evaluations, fallback \(String(describing: d.mStepFallback)), converged \(d.converged)")
        let fallback = try #require(d.mStepFallback)
        #expect(fallback.requested == .projected)
        #expect(d.mStep == .nnls)
        #expect(d.converged)
        #expect(fallback.atEvaluation == FitOptions().tuning.projectedBudget)
        #expect(d.iterations <= 5_000)
        #expect(fallback.cycles == (fallback.activeSetReturns >= BoundCycleWatch.cyclingReturns))
        // The reason is the words for `cycles`: that it says which one is its point.
        #expect(fallback.reason.contains(fallback.cycles ? "cycles at the bound" : "it crawls"))
        return fallback
    }

    @Test("d/sample-k6-fixed (projected): the budget runs out, the cycle is named and the nnls answer is returned, converged within 5,000")
    func cycleDetectedAndFinished() throws {
        let fallback = try Self.finishedWithNNLS("d/sample-k6-fixed", Self.sampleK6.diagnostics)
        #expect(fallback.cycles)
    }

    /// An over-factored fit (the sample, its anchors, k = 8; the bank's
    /// `d/sample-k8-fixed`) whose projected map has no fixed point: the budget
    /// plus the nnls finish must stay within 5,000 evaluations.
    @Test("d/sample-k8-fixed (projected): no fixed point; finished with nnls within 5,000")
    func overFactoredFinished() throws {
        let s = BLASThreading.withThreadCount(1) { Self.sample.z.gram(alpha: 1 / Double(Self.sample.z.rows)) }
        let model = try FactorModel(covariance: s, observations: Self.sample.z.rows, k: 8, anchors: Self.anchors,
                                    options: FitOptions(factors: 8))
        _ = try Self.finishedWithNNLS("d/sample-k8-fixed", model.diagnostics)
    }

    @Test("b/boot-21 (projected): the budget runs out, the reason is named and the nnls answer is returned, converged within 5,000")
    func crawlDetectedAndFinished() throws {
        // A bootstrap resample whose map cycles or crawls as the rounding of its path has it: either is a fallback.
        _ = try Self.finishedWithNNLS("b/boot-21", Self.boot21.diagnostics)
    }

    @Test("The answer is a fixed point of the nnls map (one more exact EM step moves Λ and ψ by < 1e-8)")
    func answerIsNNLSFixedPoint() throws {
        let model = Self.boot21
        let p = model.psi.count, k = model.factorCount
        let clamped = Self.anchors.map { $0.map { Swift.min(Swift.max($0, 1e-3), 0.999) } }
        var map = CovarianceEMMap(s: Self.bootstrap(21), n: Self.sample.z.rows, k: k, anchors: clamped, mStep: .nnls,
                                  psiFloor: 1e-6)
        let x = FactorParameters(lambda: model.loadings.elements, psi: model.psi)
        var next = x
        let logLikelihood = try map.evaluate(x, into: &next)
        let lambdaStep = zip(x.lambda, next.lambda).map { abs($0 - $1) }.max()!
        let psiStep = (0..<p).map { abs(x.psi[$0] - next.psi[$0]) }.max()!
        print("nnls step at the fallback's answer: Λ \(lambdaStep), ψ \(psiStep); ℓ \(logLikelihood)")
        #expect(lambdaStep < 1e-8)
        #expect(psiStep < 1e-8)
        #expect(abs(logLikelihood - model.diagnostics.logLikelihood) < 1e-9 * abs(logLikelihood))
    }

    @Test("The fallback is an m_step_fallback warning carrying its reason, and it is in the EM block of result.json")
    func saidEverywhere() throws {
        let model = Self.sampleK6
        let multiStart = try MultiStartFit(options: FitOptions(factors: 6), starts: 1, check: 0, progress: nil) {
            (_: FitOptions, _: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in model
        }
        let warnings = Analysis.fitWarnings(model: model, multiStart: multiStart, tasks: Self.sample.tasks,
                                            anchors: Self.anchors, starts: 1)
        let fallback = try #require(model.diagnostics.mStepFallback)
        let warning = try #require(warnings.first { $0.kind == .mStepFallback })
        #expect(warnings.filter { $0.kind == .mStepFallback }.count == 1)
        #expect(warning.subjects.isEmpty)
        #expect(warning.message.hasPrefix(fallback.reason))
        var object = try #require(try JSONSerialization.jsonObject(
            with: try JSONCoding.encode(AnalysisResult.EM(model.diagnostics))) as? [String: Any])
        #expect(object["m_step"] as? String == "nnls")
        let record = try #require(object["m_step_fallback"] as? [String: Any])
        #expect(record["at_evaluation"] as? Int == fallback.atEvaluation)
        #expect(record["cycles"] as? Bool == fallback.cycles)
        // An EM block without the optional keys (as older versions wrote it) still decodes.
        for key in ["m_step_fallback", "identification", "stop_quantity", "covariance_distance"] { object[key] = nil }
        let old = try JSONSerialization.data(withJSONObject: object)
        let decoded = try JSONCoding.decoder().decode(AnalysisResult.EM.self, from: old)
        #expect(decoded.mStepFallback == nil && decoded.identification == nil)
    }

    @Test("A projected fit that converges (the sample, k = 4, its anchors) never falls back")
    func sampleDoesNotFallBack() throws {
        let s = BLASThreading.withThreadCount(1) { Self.sample.z.gram(alpha: 1 / Double(Self.sample.z.rows)) }
        let fit = try FactorModel(covariance: s, observations: Self.sample.z.rows, k: 4, anchors: Self.anchors,
                                  options: FitOptions(factors: 4))
        #expect(fit.diagnostics.mStepFallback == nil)
        #expect(fit.diagnostics.mStep == .projected)
        #expect(fit.diagnostics.converged)
        #expect(fit.diagnostics.identification == .pinned)
        #expect(fit.diagnostics.stopQuantity == .loadings)
    }
}
