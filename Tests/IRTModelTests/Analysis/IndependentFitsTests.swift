import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The auxiliary fits (start check, k ± 1, free loadings) run on several
/// threads; nothing the analysis reports may depend on how many.
@Suite("Independent fits on several threads")
struct IndependentFitsTests {
    @Test("Results come back in index order, each index once", arguments: [0, 1, 2, 9])
    func indexOrder(count: Int) {
        for threads in [1, 2, 4] {
            let out = IndependentFits.map(count, threads: threads) { i in i * i }
            #expect(out == (0..<count).map { $0 * $0 })
        }
    }

    /// A synthetic sweep of `n` runs and `p` tasks analysed with `threads` threads (20 Horn draws).
    static func analyse(n: Int, p: Int, threads: Int) throws -> AnalysisResult {
        let synthetic = SyntheticSweep(runs: n, tasks: p, factors: 2, seed: 5)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("irtkit-independent-\(n)x\(p)-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try synthetic.writeSweep(to: url)
        let options = AnalysisOptions(draws: 20, threads: threads, heldOutMetrics: [], rankDraws: 50)
        return try Analysis(sweep: EvalMatrix(contentsOf: url), options: options).run()
    }

    @Test("The whole analysis, fit checks included, is bit-identical for 1 and 2 threads",
          arguments: [(60, 6), (10, 30)])
    func analysisThreads(n: Int, p: Int) throws {
        let one = try Self.analyse(n: n, p: p, threads: 1)
        let two = try Self.analyse(n: n, p: p, threads: 2)
        #expect(one.loadings == two.loadings && one.psi == two.psi && one.theta == two.theta)
        #expect(one.fit == two.fit)
        #expect(one.horn == two.horn)
        if 2 * n < p {
            // Data space and no p × p statistics: S is singular at n ≤ p (a reason in words only).
            #expect(one.fit.statistics == nil && one.fit.unavailable?.contains("singular") == true)
            #expect(one.fit.neighbours.allSatisfy { $0.statistics == nil })
        }
    }
}
