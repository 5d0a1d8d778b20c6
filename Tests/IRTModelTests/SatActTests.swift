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

    @Test("Pairwise-complete correlations against R's cor(use = \"pairwise\")")
    func pairwiseAgainstR() throws {
        let ref = Self.reference
        let (x, mask) = try Self.matrix.numericMatrixWithMask(columns: ref.columns)
        #expect(mask.missingCount == 13)
        let r = try MaskedNullDraw.pairwiseCorrelation(x, observed: mask)
        // The analysis path: z-scores over each column's observed cells, then the same estimator.
        let prepared = try PreparedSweep(sweep: Self.matrix, selection: .columns(ref.columns), missing: .fit, minCoverage: 0)
        let viaZ = try Analysis.correlation(prepared)
        // The shortcut the method does NOT take: products of those z-scores averaged over the pair's rows.
        let z = prepared.z, counts = mask.indicator.gram()
        let p = ref.columns.count
        var shortcut = Matrix(rows: p, columns: p)
        let products = z.gram()
        for j in 0..<p { for l in 0..<p { shortcut[j, l] = j == l ? 1 : products[j, l] / counts[j, l] } }
        var worst = (pairwise: 0.0, viaZ: 0.0, shortcut: 0.0, complete: 0.0)
        for j in 0..<p {
            for l in 0..<p {
                let e = ref.cor_pairwise[j][l]
                worst.pairwise = max(worst.pairwise, abs(r[j, l] - e))
                worst.viaZ = max(worst.viaZ, abs(viaZ[j, l] - e))
                worst.shortcut = max(worst.shortcut, abs(shortcut[j, l] - e))
                if mask.observedCount(column: j) == 700 && mask.observedCount(column: l) == 700 {
                    worst.complete = max(worst.complete, abs(shortcut[j, l] - e))
                }
                print("\(ref.columns[j])-\(ref.columns[l]): R \(e) ours \(r[j, l] - e) viaZ \(viaZ[j, l] - e) shortcut \(shortcut[j, l] - e)")
            }
        }
        print("sat.act max |Δ| against R: pairwise \(worst.pairwise), through z \(worst.viaZ), shortcut \(worst.shortcut) (pairs without gaps \(worst.complete))")
    }
}
