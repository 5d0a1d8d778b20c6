import Foundation
@testable import IRTModel
import Linalg
import Testing

/// Horn's sequential rule (the default) on pure noise: counting every rank above
/// its own p95 (the count rule) tests each rank at 5% and finds "factors" in
/// noise; the sequential rule stops at rank 1.
@Suite("Horn's sequential rule")
struct HornSequentialRuleTests {
    /// n × p independent standard normals, z-scored, from `seed`.
    static func noise(rows n: Int, columns p: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        var z = Matrix(rows: n, columns: p) { _, _ in normal.next(using: &rng) }
        z.standardizeColumnsInPlace()
        return z
    }

    /// 100 pure-noise sweeps of 242 × 43. Every analysis with the default seed
    /// shares one null (it depends only on n, p, draws and seed), so the null is
    /// drawn once with the default 500 draws and each sweep's real eigenvalues
    /// are counted against it — what `ParallelAnalysis(z:)` does per sweep,
    /// without redrawing the same null 100 times. Under pure noise the real
    /// λ₁ and the null's are exchangeable, so each sweep passes rank 1 with
    /// probability ≈ 5%: the expected count of k95 = 0 is ≈ 95.
    @Test("Pure noise (100 draws of 242 × 43): the sequential rule finds k95 = 0 in at least 95, the count rule far fewer")
    func hornSequentialRuleOnPureNoise() throws {
        let n = 242, p = 43
        let null = try ParallelAnalysis(z: Self.noise(rows: n, columns: p, seed: 0), draws: 500, seed: 42, threads: 1)
        var zeroSequential = 0, zeroCount = 0
        for c in 1...100 {
            let real = try ParallelAnalysis(z: Self.noise(rows: n, columns: p, seed: UInt64(c)), draws: 1, seed: 42, threads: 1)
            let horn = ParallelAnalysis(eigenvalues: real.eigenvalues, p95: null.p95, mean: null.mean, draws: 500, seed: 42,
                                        countedRanks: Swift.min(n - 1, p))
            #expect(horn.rule == .sequential && horn.otherRule.rule == .count)
            // The independent computation of both rules on the same curves.
            let above = zip(real.eigenvalues, null.p95).map { $0 > $1 }
            #expect(horn.k95 == (above.firstIndex(of: false) ?? p))
            #expect(horn.otherRule.k95 == above.filter { $0 }.count)
            if horn.k95 == 0 { zeroSequential += 1 }
            if horn.otherRule.k95 == 0 { zeroCount += 1 }
        }
        print("pure noise 242 × 43, 100 draws: k95 = 0 in \(zeroSequential) (sequential), \(zeroCount) (count)")
        #expect(zeroSequential >= 95)
        #expect(zeroCount < zeroSequential)
    }

    @Test("An identity correlation matrix: k95 = 0 under the default rule")
    func identityHasNoFactor() throws {
        let horn = try ParallelAnalysis(correlation: Matrix.identity(43), observations: 242, draws: 200, seed: 42, threads: 1)
        #expect(horn.rule == .sequential && horn.k95 == 0)
    }

    @Test("A pure-noise sweep analysed with the defaults says no_factor_above_noise; --horn-rule count is kept")
    func noiseSweepWarns() throws {
        let z = Self.noise(rows: 242, columns: 43, seed: 7)
        var csv = "run_name," + (1...43).map { "t\($0)" }.joined(separator: ",") + "\n"
        for i in 0..<242 { csv += "r\(i)," + (0..<43).map { "\(z[i, $0])" }.joined(separator: ",") + "\n" }
        let sweep = try EvalMatrix(csv: csv, source: "noise.csv")
        var options = AnalysisOptions(selection: .allNumeric(), requiredStatus: nil, draws: 100, heldOutMetrics: [],
                                      leaderboardColumns: []).withoutFitChecks
        let result = try Analysis(sweep: sweep, options: options).run()
        #expect(result.horn.rule == .sequential && result.horn.k95 == 0)
        #expect(result.kChoice.rule == .hornZeroFallback)
        #expect(result.warnings.contains { $0.kind == .noFactorAboveNoise })
        options.hornRule = .count
        let counted = try Analysis(sweep: sweep, options: options).run()
        #expect(counted.horn.rule == .count && counted.horn.otherRule.rule == .sequential)
        #expect(counted.horn.otherRule.k95 == result.horn.k95 && result.horn.otherRule.k95 == counted.horn.k95)
    }

    @Test("The bundled sample: both rules give k95 = 4")
    func sampleBothRulesAgree() throws {
        let horn = try #require(SharedRuns.defaults[.fixed]).horn
        #expect(horn.rule == .sequential && horn.k95 == 4 && horn.otherRule.k95 == 4 && !horn.rulesDisagree)
        #expect(try #require(SharedRuns.referencePath[.fixed]).horn.rule == .count)
    }

    @Test("Older results' \"first-miss\" reads as the sequential rule")
    func legacyRuleName() throws {
        let rule = try JSONDecoder().decode([ParallelAnalysis.Rule].self, from: Data(#"["first-miss","count","sequential"]"#.utf8))
        #expect(rule == [.sequential, .count, .sequential])
    }
}
