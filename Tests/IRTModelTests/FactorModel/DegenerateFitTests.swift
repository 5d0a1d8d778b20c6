import Foundation
@testable import IRTModel
import Linalg
import Testing

/// Λ = 0 is a fixed point of EM: a fit whose factor collapses to zero is rerun
/// from the eigenvector start and says so; never "converged" at zero.
@Suite("Degenerate fits")
struct DegenerateFitTests {
    /// The leaderboard's z-scores on the tasks matching `patterns`.
    static func leaderboard(_ patterns: [String]) throws -> PreparedSweep {
        let sweep = try EvalMatrix(contentsOf: OpenLLMLeaderboardTests.url, runColumn: "Model")
        return try PreparedSweep(sweep: sweep, selection: .patterns(include: patterns))
    }

    /// Checks a one-factor fit reproduces the off-diagonal correlations it can
    /// (λ_s λ_t = r_st for two tasks) and is no collapse.
    static func expectFits(_ model: FactorModel, correlation r: Double, _ comment: String) {
        let l = model.loadings
        #expect(l[0, 0] > 0.1 && l[1, 0] > 0.1, "\(comment): loadings \(l.column(0))")
        #expect(abs(l[0, 0] * l[1, 0] - r) < 1e-4, "\(comment): λ1 λ2 = \(l[0, 0] * l[1, 0]), r = \(r)")
        #expect(model.diagnostics.degenerateRestart?.stillDegenerate != true, "\(comment)")
    }

    @Test("ARC and HellaSwag of the Open LLM leaderboard (k = 1): no collapse to Λ = 0; λ1 λ2 = r")
    func zeroLoadingCollapseRestarts() throws {
        let prepared = try Self.leaderboard(["ARC*", "HellaSwag*"])
        #expect(prepared.tasks.count == 2)
        let z = prepared.z
        let r = (0..<z.rows).reduce(0.0) { $0 + z[$1, 0] * z[$1, 1] } / Double(z.rows)
        for seed in UInt64(0)..<4 {
            let model = try FactorModel(z: z, k: 1, anchors: [nil, nil], options: FitOptions(initSeed: seed))
            print("ARC/HellaSwag seed \(seed): loadings \(model.loadings.column(0)), restart \(String(describing: model.diagnostics.degenerateRestart))")
            Self.expectFits(model, correlation: r, "seed \(seed)")
        }
    }

    @Test("A 2 × 2 correlation r = 0.5: λ1 λ2 = 0.5 and no cost of non-negativity against free loadings")
    func twoByTwoCorrelationDoesNotCollapse() throws {
        let s = Matrix(rows: 2, columns: 2) { i, j in i == j ? 1 : 0.5 }
        let model = try FactorModel(covariance: s, observations: 200, k: 1, anchors: [nil, nil])
        print("2 × 2, r = 0.5: loadings \(model.loadings.column(0)), restart \(String(describing: model.diagnostics.degenerateRestart))")
        Self.expectFits(model, correlation: 0.5, "2 × 2")
        var freeOptions = FitOptions()
        freeOptions.loadings = .free
        let free = try FactorModel(covariance: s, observations: 200, k: 1, anchors: [nil, nil], options: freeOptions)
        let cost = free.diagnostics.logLikelihood - model.diagnostics.logLikelihood
        #expect(abs(cost) < 1e-6 * abs(free.diagnostics.logLikelihood), "cost of non-negativity \(cost)")
    }

    @Test("--em-init entries at the maximum 10⁶: the fit is the default start's, not a collapse")
    func emInitAtMaximumDoesNotCollapse() throws {
        let prepared = try Self.leaderboard(["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"])
        let reference = try FactorModel(z: prepared.z, k: 1, anchors: [nil, nil, nil, nil])
        var options = FitOptions()
        options.initialLoadings = [[1e6], [1e6], [1e6], [1e6]]
        let model = try FactorModel(z: prepared.z, k: 1, anchors: [nil, nil, nil, nil], options: options)
        print("em-init 1e6: loadings \(model.loadings.column(0)), reference \(reference.loadings.column(0)), restart \(String(describing: model.diagnostics.degenerateRestart))")
        // TruthfulQA correlates negatively with the others: its non-negative loading is 0 in both fits.
        #expect(model.loadings.column(0).prefix(3).allSatisfy { $0 > 0.3 })
        #expect(model.diagnostics.logLikelihood >= reference.diagnostics.logLikelihood - 1e-6 * abs(reference.diagnostics.logLikelihood))
        for t in 0..<4 { #expect(abs(model.loadings[t, 0] - reference.loadings[t, 0]) < 1e-3) }
    }

    @Test("The restart's pieces: collapsed columns, the eigenvector start (from S and from Z); a tiny start escapes without a restart")
    func collapsedFitIsSaid() throws {
        // A start of 1e-300 is not the fixed point itself: EM grows it to the default start's fit, no restart.
        let prepared = try Self.leaderboard(["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"])
        var options = FitOptions()
        options.initialLoadings = [[1e-300], [1e-300], [1e-300], [1e-300]]
        let model = try FactorModel(z: prepared.z, k: 1, anchors: [nil, nil, nil, nil], options: options)
        #expect(model.diagnostics.degenerateRestart == nil && model.loadings[1, 0] > 0.5)
        // The eigenvector start: |v1| √d1 of S, clamped to [0.01, 0.99].
        let s = prepared.z.gram(alpha: 1 / Double(prepared.z.rows))
        let eigen = try SymmetricEigen(s, largest: 1)
        let start = try DegenerateRestart.start(covariance: s, k: 1)
        let fromZ = try DegenerateRestart.start(z: prepared.z, k: 1)
        for t in 0..<4 {
            let expected = min(0.99, max(0.01, abs(eigen.vectors[t, 0]) * eigen.values[0].squareRoot()))
            #expect(abs(start[t] - expected) < 1e-12 && abs(fromZ[t] - expected) < 1e-9)
        }
        #expect(DegenerateRestart.collapsedColumns([0, 1e-5, 0.3, 0.2], p: 2, k: 2) == [0])
    }
}
