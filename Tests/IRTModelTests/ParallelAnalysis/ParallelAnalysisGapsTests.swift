import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import LinalgReference
import Testing

@Suite("Horn's parallel analysis: more tasks than runs, and sweeps with gaps")
struct ParallelAnalysisGapsTests {
    /// The z-scored higher-is-better scores of a synthetic sweep.
    static func syntheticZ(runs: Int, tasks: Int, factors: Int, seed: UInt64) throws -> Matrix {
        try SyntheticSweep(runs: runs, tasks: tasks, factors: factors, seed: seed).signedScores().standardized(ddof: 0).z
    }

    /// Pearson's r of every pair over the rows observing both, one pair at a time.
    static func naivePairwise(_ x: Matrix, _ mask: ObservedMask) throws -> Matrix {
        let p = x.columns
        var r = Matrix(rows: p, columns: p)
        for j in 0..<p {
            for l in 0..<p {
                if j == l { r[j, l] = 1; continue }
                let rows = (0..<x.rows).filter { mask[$0, j] && mask[$0, l] }
                let value = rows.count >= 2 ? try Statistics.pearson(rows.map { x[$0, j] }, rows.map { x[$0, l] }) : 0
                r[j, l] = value.isFinite ? value : 0
            }
        }
        return r
    }

    @Test("k = 2, n = 20, p = 43: k95 = 2 (ranks past n − 1 are not counted)", arguments: [1, 2, 3] as [UInt64])
    func moreTasksThanRuns(seed: UInt64) throws {
        let z = try Self.syntheticZ(runs: 20, tasks: 43, factors: 2, seed: seed)
        let horn = try ParallelAnalysis(z: z, draws: 200, seed: 42, threads: 2)
        #expect(horn.countedRanks == 19)
        #expect(horn.eigenvalues.count == 43 && horn.p95.count == 43)
        #expect(horn.k95 == 2)
        // Ranks 20…43 are rounding noise on both sides; the count stops before them.
        #expect(horn.eigenvalues[19...].allSatisfy { abs($0) < 1e-10 })
        #expect(horn.p95[19...].allSatisfy { abs($0) < 1e-10 })
        #expect(horn.k95 == ParallelAnalysis.count(Array(horn.eigenvalues.prefix(19)), above: horn.p95, rule: .count))
    }

    @Test("3 runs: only ranks 1 and 2 can count", arguments: [2, 5, 40])
    func threeRuns(tasks: Int) throws {
        let z = try ParallelAnalysisTests.randomMatrix(rows: 3, columns: tasks, seed: 9).standardized(ddof: 0).z
        let horn = try ParallelAnalysis(z: z, draws: 50, seed: 42, threads: 1)
        #expect(horn.countedRanks == min(2, tasks))
        #expect(horn.k95 <= min(2, tasks) && horn.kMean <= min(2, tasks))
        #expect(horn.k95 == ParallelAnalysis.count(Array(horn.eigenvalues.prefix(2)), above: horn.p95, rule: .count))
        #expect(horn.eigenvalues.dropFirst(2).allSatisfy { abs($0) < 1e-10 })
    }

    /// A CSV of `x` as higher-is-better tasks `t1`, `t2`, … with runs `run_1`, `run_2`, ….
    static func csv(_ x: Matrix) -> String {
        var text = "run_name," + (1...x.columns).map { "t\($0)" }.joined(separator: ",") + "\n"
        for i in 0..<x.rows { text += "run_\(i + 1)," + x.row(i).map { "\($0)" }.joined(separator: ",") + "\n" }
        return text
    }

    @Test("Through Analysis: a k = 2 sweep of n = 20 runs and p = 43 tasks gives k95 = 2 and fits k = 2",
          arguments: [1, 2, 3] as [UInt64])
    func moreTasksThanRunsThroughAnalysis(seed: UInt64) throws {
        let truth = SyntheticSweep(runs: 20, tasks: 43, factors: 2, seed: seed, noiseRuns: 0)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("irtkit-n20-p43-\(seed)-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try truth.writeSweep(to: url)
        let result = try Analysis(sweep: EvalMatrix(contentsOf: url),
                                  options: AnalysisOptions(draws: 200, threads: 1).withoutFitChecks).run()
        #expect(result.nRuns == 20 && result.nTasks == 43)
        #expect(result.horn.countedRanks == 19)
        #expect(result.horn.k95 == 2 && result.kChoice.rule == .horn && result.k == 2)
        #expect(result.theta.count == 20 && result.theta.allSatisfy { $0.count == 2 })
    }

    @Test("Through Analysis: 3 runs count at most ranks 1 and 2, never a rank of rounding noise",
          arguments: [5, 40])
    func threeRunsThroughAnalysis(tasks: Int) throws {
        let x = ParallelAnalysisTests.randomMatrix(rows: 3, columns: tasks, seed: 9)
        let sweep = try EvalMatrix(csv: Self.csv(x), source: "three.csv")
        let result = try Analysis(sweep: sweep, options: AnalysisOptions(
            selection: .patterns(include: ["t*"]), draws: 50, threads: 1, heldOutMetrics: []).withoutFitChecks).run()
        #expect(result.nRuns == 3 && result.horn.countedRanks == 2)
        // Ranks 3… are rounding noise (|λ| < 1e-10) in the real and the null curves alike.
        #expect(result.horn.eigenvalues.dropFirst(2).allSatisfy { abs($0) < 1e-10 })
        #expect(result.horn.k95 <= 2 && result.horn.kMean <= 2)
        #expect(result.horn.k95 == ParallelAnalysis.count(Array(result.horn.eigenvalues.prefix(2)),
                                                          above: result.horn.p95, rule: .count))
        #expect(result.k == max(result.horn.k95, 1))
    }

    @Test func curvesFromJSONWithoutTheNewKeysCountEveryRank() throws {
        let json = #"{"eigenvalues": [3, 1e-16], "p95": [1.5, 1e-17], "mean": [1, 1e-17], "k95": 2, "k_mean": 2, "draws": 5, "seed": 1, "rule": "count"}"#
        let horn = try JSONDecoder().decode(ParallelAnalysis.self, from: Data(json.utf8))
        #expect(horn.countedRanks == 2 && !horn.masked && horn.k95 == 2)
        let limited = ParallelAnalysis(eigenvalues: [3, 1e-16], p95: [1.5, 1e-17], mean: [1, 1e-17], draws: 5, seed: 1,
                                       countedRanks: 1)
        #expect(limited.k95 == 1 && limited.kMean == 1)
        let back = try JSONDecoder().decode(ParallelAnalysis.self, from: JSONEncoder().encode(limited))
        #expect(back == limited)
        // Size 0: no rank counted.
        #expect(ParallelAnalysis(eigenvalues: [2], p95: [1], mean: [1], draws: 1, seed: 1, countedRanks: 0).k95 == 0)
    }

    @Test func pairwiseCorrelationIsPearsonOverTheRowsObservingBoth() throws {
        let x = ParallelAnalysisTests.randomMatrix(rows: 40, columns: 6, seed: 3, signal: 1, loaded: 3)
        let mask = SyntheticGaps.randomMask(rows: 40, columns: 6, fraction: 0.3, seed: 4)
        var poisoned = x   // missing cells must not matter, whatever they hold
        for (i, j) in mask.missingCells { poisoned[i, j] = 1e6 }
        let r = try MaskedNullDraw.pairwiseCorrelation(poisoned, observed: mask)
        let expected = try Self.naivePairwise(x, mask)
        #expect(try r.maxAbsDifference(expected) < 1e-12)
        // A complete mask gives the ordinary correlation matrix.
        let full = try MaskedNullDraw.pairwiseCorrelation(x, observed: ObservedMask(rows: 40, columns: 6))
        #expect(try full.maxAbsDifference(x.correlation()) < 1e-12)
        // Two columns never observed together: r = 0.
        var disjoint = ObservedMask(rows: 4, columns: 2)
        disjoint[0, 0] = false; disjoint[1, 0] = false; disjoint[2, 1] = false; disjoint[3, 1] = false
        let d = try MaskedNullDraw.pairwiseCorrelation(try Matrix(rows: [[1, 2], [2, 3], [3, 5], [4, 1]]), observed: disjoint)
        #expect(d.elements == [1, 0, 0, 1])
    }

    @Test("Masked Horn: real and null curves equal an independent recomputation")
    func maskedCurvesRecomputed() throws {
        let n = 30, p = 8, draws = 12
        let mask = SyntheticGaps.randomMask(rows: n, columns: p, fraction: 0.2, seed: 21)
        let z = SyntheticGaps.masked(ParallelAnalysisTests.randomMatrix(rows: n, columns: p, seed: 5, signal: 1.2, loaded: 4), mask)
        let horn = try ParallelAnalysis(z: z, observed: mask, draws: draws, seed: 42, threads: 2)
        #expect(horn.masked)
        let real = Array(Reference.jacobiEigenvalues(try Self.naivePairwise(z, mask)).reversed())
        #expect(maxAbsDifference(horn.eigenvalues, real) < 1e-11)
        // Draw d: stream d, normals for every cell in column-major order, the gaps blanked.
        let base = Xoshiro256StarStar(seed: 42)
        var perRank = [[Double]](repeating: [], count: p)
        for d in 0..<draws {
            var rng = base.stream(d)
            var normal = ZigguratNormal()
            let x = try Matrix(rows: n, columns: p, columnMajor: (0..<(n * p)).map { _ in normal.next(using: &rng) })
            let values = Reference.jacobiEigenvalues(try Self.naivePairwise(x, mask)).reversed()
            for (r, v) in values.enumerated() { perRank[r].append(v) }
        }
        for r in 0..<p {
            let p95 = Reference.percentile(perRank[r], 95), mean = perRank[r].reduce(0, +) / Double(draws)
            #expect(abs(horn.p95[r] - p95) <= 1e-10 * max(1, abs(p95)), "rank \(r)")
            #expect(abs(horn.mean[r] - mean) <= 1e-10 * max(1, abs(mean)), "rank \(r)")
        }
    }

    @Test func maskedHornIsBitIdenticalAcrossThreadCounts() throws {
        let mask = SyntheticGaps.randomMask(rows: 60, columns: 10, fraction: 0.15, seed: 8)
        let z = SyntheticGaps.masked(try Self.syntheticZ(runs: 60, tasks: 10, factors: 2, seed: 4), mask)
        let one = try ParallelAnalysis(z: z, observed: mask, draws: 20, seed: 42, threads: 1)
        let three = try ParallelAnalysis(z: z, observed: mask, draws: 20, seed: 42, threads: 3)
        #expect(one.p95.map(\.bitPattern) == three.p95.map(\.bitPattern))
        #expect(one.mean.map(\.bitPattern) == three.mean.map(\.bitPattern))
        #expect(one.eigenvalues.map(\.bitPattern) == three.eigenvalues.map(\.bitPattern))
    }

    @Test func aCompleteMaskIsTheCompleteAnalysis() throws {
        let z = try Self.syntheticZ(runs: 50, tasks: 9, factors: 2, seed: 6)
        let plain = try ParallelAnalysis(z: z, draws: 20, seed: 42, threads: 1)
        let withMask = try ParallelAnalysis(z: z, observed: ObservedMask(rows: 50, columns: 9), draws: 20, seed: 42, threads: 1)
        #expect(withMask == plain && !withMask.masked)
        #expect(throws: AnalysisError.invalidOption("the observed mask is 5 × 9 but the data is 50 × 9")) {
            try ParallelAnalysis(z: z, observed: ObservedMask(rows: 5, columns: 9), draws: 2)
        }
    }

    @Test("15% gaps keep a clear 2-factor structure at k95 = 2")
    func gapsKeepAClearStructure() throws {
        let z = try Self.syntheticZ(runs: 200, tasks: 12, factors: 2, seed: 12)
        let mask = SyntheticGaps.randomMask(rows: 200, columns: 12, fraction: 0.15, seed: 13)
        let complete = try ParallelAnalysis(z: z, draws: 100, seed: 42, threads: 2)
        let gaps = try ParallelAnalysis(z: SyntheticGaps.masked(z, mask), observed: mask, draws: 100, seed: 42, threads: 2)
        #expect(complete.k95 == 2)
        #expect(gaps.k95 == 2)
        #expect(gaps.masked && gaps.countedRanks == 12)
    }

    @Test func preparedSweepWithGapsSelectsTheMaskedAnalysis() throws {
        let csv = """
            run_name,a_acc,b_acc,c_acc
            r1,1,2,3
            r2,2,,5
            r3,3,4,4
            r4,5,5,
            r5,4,3,2
            r6,,1,1
            """
        let sweep = try EvalMatrix(csv: csv, source: "m.csv")
        let gappy = try PreparedSweep(sweep: sweep, selection: .allNumeric(), missing: .fit, minCoverage: 0.5)
        let horn = try ParallelAnalysis(prepared: gappy, draws: 10, seed: 42, threads: 1)
        let direct = try ParallelAnalysis(z: gappy.z, observed: gappy.observed, draws: 10, seed: 42, threads: 1)
        #expect(horn.masked && horn == direct)
        let complete = try PreparedSweep(sweep: sweep, selection: .allNumeric(), missing: .dropRuns, minCoverage: 0.5)
        let plain = try ParallelAnalysis(prepared: complete, draws: 10, seed: 42, threads: 1)
        let direct2 = try ParallelAnalysis(z: complete.z, draws: 10, seed: 42, threads: 1)
        #expect(!plain.masked && plain == direct2)
    }
}
