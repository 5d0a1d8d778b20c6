import Foundation
@testable import IRTModel
import Linalg
import Testing

/// psych's `sat.act` (700 self-reports, 13 SATQ cells missing): a real matrix
/// with gaps that is not an LLM sweep, against R's pairwise-complete
/// correlations (`Fixtures/R/r_reference.json`, key `sat_act`).
@Suite("sat.act: a public matrix with gaps, against R")
struct SatActTests {
    /// R's `cor(sat.act, use = "pairwise")` and its column order.
    struct Reference: Decodable {
        let columns: [String]
        let cor_pairwise: [[Double]]
    }

    static let reference: Reference = {
        struct File: Decodable { let sat_act: Reference }
        let url = RFixtures.url("r_reference", "json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).sat_act
    }()

    static let matrix = try! EvalMatrix(contentsOf: RFixtures.url("sat_act", "csv"), runColumn: "id")

    @Test("--missing fit on ACT, SATV, SATQ with k = 1 runs: 700 runs, 13 gaps fitted, every run scored")
    func fitRuns() throws {
        let options = AnalysisOptions(
            selection: .patterns(include: ["ACT", "SAT?"]), draws: 100, threads: 1, fit: FitOptions(factors: 1),
            heldOutMetrics: [], leaderboardColumns: [], missing: .fit).withoutFitChecks
        let result = try Analysis(sweep: Self.matrix, options: options).run()
        #expect(result.nRuns == 700 && result.tasks == ["ACT", "SATV", "SATQ"] && result.k == 1)
        #expect(result.selection.missingCells == 13 && result.selection.droppedRuns.isEmpty)
        #expect(result.warnings.contains { $0.kind == .fittedWithGaps })
        #expect(result.em.converged)
        #expect(result.horn.k95 == 1)
        let loadings = result.loadings.map { $0[0] }
        print("sat.act k = 1: loadings \(loadings), psi \(result.psi), k95 \(result.horn.k95), iterations \(result.em.iterations)")
        #expect(loadings.allSatisfy { $0 > 0.6 && $0 < 0.95 })
        // The 13 runs without SATQ are scored from ACT and SATV, with a wider posterior.
        let gaps = result.leaderboard.filter { $0.coverage < 1 }
        #expect(gaps.count == 13 && gaps.allSatisfy { abs($0.coverage - 2.0 / 3) < 1e-12 })
        let full = result.leaderboard.filter { $0.coverage == 1 }
        #expect(gaps.map(\.aggregateSD).min()! > full.map(\.aggregateSD).max()!)
    }

    @Test("Pairwise-complete correlations equal R's cor(use = \"pairwise\") within 1e-12 on every pair")
    func pairwiseAgainstR() throws {
        let ref = Self.reference
        let (x, mask) = try Self.matrix.numericMatrixWithMask(columns: ref.columns)
        #expect(mask.missingCount == 13 && mask.observedCount(column: 5) == 687)
        let p = ref.columns.count
        let expected = try Matrix(rows: ref.cor_pairwise)
        // On the raw values, and as the analysis computes it: on z-scores over each
        // column's observed cells (Pearson's r is invariant to that affine map).
        let raw = try MaskedNullDraw.pairwiseCorrelation(x, observed: mask)
        let prepared = try PreparedSweep(sweep: Self.matrix, selection: .columns(ref.columns), missing: .fit, minCoverage: 0)
        #expect(prepared.tasks == ref.columns && prepared.hasGaps)
        let analysis = try Analysis.correlation(prepared)
        // The shortcut the method does not take: those z-scores' products averaged
        // over the pair's rows, Σ z_rj z_rl / N_jl (means and sds of the whole column,
        // not of the pair's rows).
        let counts = mask.indicator.gram(), products = prepared.z.gram()
        let shortcut = Matrix(rows: p, columns: p) { j, l in j == l ? 1 : products[j, l] / counts[j, l] }
        var worst = (raw: 0.0, analysis: 0.0, shortcutGaps: 0.0, shortcutComplete: 0.0)
        for j in 0..<p {
            for l in 0..<p {
                let e = expected[j, l]
                worst.raw = max(worst.raw, abs(raw[j, l] - e))
                worst.analysis = max(worst.analysis, abs(analysis[j, l] - e))
                let gaps = counts[j, l] < 700
                if gaps { worst.shortcutGaps = max(worst.shortcutGaps, abs(shortcut[j, l] - e)) }
                else { worst.shortcutComplete = max(worst.shortcutComplete, abs(shortcut[j, l] - e)) }
            }
        }
        print("sat.act max |r − R|: pairwise on raw values \(worst.raw), on the analysis's z-scores \(worst.analysis); the shortcut Σzz/N: \(worst.shortcutGaps) on the SATQ pairs, \(worst.shortcutComplete) on the pairs without gaps")
        #expect(worst.raw <= 1e-12)
        #expect(worst.analysis <= 1e-12)
        // The test tells the estimators apart: the shortcut agrees only where no cell
        // is missing, and is 2.2e-3 off (SATV–SATQ) where 13 SATQ cells are (METHOD.md).
        #expect(worst.shortcutComplete <= 1e-12)
        #expect(worst.shortcutGaps > 1e-3 && worst.shortcutGaps < 1e-2)
    }
}
