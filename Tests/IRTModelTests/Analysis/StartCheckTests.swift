import Foundation
@testable import IRTModel
import Linalg
import Testing

/// The start check's extra starts are capped (``MultiStartFit/auxiliaryCap``):
/// a check whose starts stopped unconverged and found nothing better is
/// inconclusive, and says so — never a silent "no better optimum".
@Suite("Start check: unconverged check starts are counted and said")
struct StartCheckTests {
    static let z = PolishTests.sample.z
    static let s = BLASThreading.withThreadCount(1) { z.gram(alpha: 1 / Double(z.rows)) }
    static let tasks = PolishTests.sample.tasks
    static let anchors = [Double?](repeating: nil, count: s.rows)

    /// The sample with k = 3 and free ψ; the check's starts (seeds ≠ 0) get at most `checkCap` evaluations.
    static func multiStart(checkCap: Int?) throws -> MultiStartFit {
        let fit = { @Sendable (o: FitOptions, _: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
            var o = o
            if let checkCap, o.initSeed != 0 { o.maxIterations = checkCap }
            return try FactorModel(covariance: s, observations: z.rows, k: o.factors ?? 3, anchors: anchors, options: o)
        }
        return try MultiStartFit(options: FitOptions(factors: 3), starts: 1, check: 3, progress: nil, threads: 2, fit: fit)
    }

    @Test("check starts cut short: counted, the check inconclusive, and a warning says so", arguments: [20, nil] as [Int?])
    func unconvergedChecks(checkCap: Int?) throws {
        let multi = try Self.multiStart(checkCap: checkCap)
        let warnings = Analysis.fitWarnings(model: multi.model, multiStart: multi, tasks: Self.tasks, anchors: Self.anchors,
                                            starts: 1)
        #expect(multi.model.diagnostics.converged)
        #expect(!multi.checkFoundBetter)
        if checkCap != nil {
            #expect(multi.starts.checkUnconverged == 3)
            #expect(multi.checkInconclusive)
            let warning = try #require(warnings.first { $0.kind == .startCheckInconclusive })
            #expect(warning.subjects.isEmpty && warning.remedies == [.moreStarts(9)])
        } else {
            #expect(multi.starts.checkUnconverged == 0)
            #expect(!multi.checkInconclusive)
            #expect(!warnings.contains { $0.kind == .startCheckInconclusive })
        }
    }

    @Test("without a check there is no count, and a starts block from an older file decodes without one")
    func noCheckNoCount() throws {
        let fit = { @Sendable (o: FitOptions, _: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
            try FactorModel(covariance: Self.s, observations: Self.z.rows, k: 3, anchors: Self.anchors, options: o)
        }
        let multi = try MultiStartFit(options: FitOptions(factors: 3), starts: 2, check: 8, progress: nil, threads: 1, fit: fit)
        #expect(multi.starts.checkStarts == 0)
        #expect(multi.starts.checkUnconverged == nil)
        let old = #"{"requested":1,"best":1,"reached_best":1,"log_likelihoods":[-1],"iterations":[10],"check_starts":8,"check_best_log_likelihood":-2,"check_gain":-1}"#
        let decoded = try JSONDecoder().decode(FitAssessment.Starts.self, from: Data(old.utf8))
        #expect(decoded.checkUnconverged == nil && decoded.checkStarts == 8)
    }

    @Test("a starts block with unconverged check starts survives JSON (check_unconverged)")
    func roundTrip() throws {
        let multi = try Self.multiStart(checkCap: 20)
        let data = try JSONEncoder().encode(multi.starts)
        #expect(String(decoding: data, as: UTF8.self).contains(#""check_unconverged":3"#))
        #expect(try JSONDecoder().decode(FitAssessment.Starts.self, from: data) == multi.starts)
        #expect(multi.checkCap == 10_000)
    }
}
