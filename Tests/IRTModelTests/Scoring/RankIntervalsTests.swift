import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// Rank intervals and p_best from joint posterior draws; ranks among a sweep; factor labels.
@Suite("Rank intervals, ranks among the sweep, factor labels")
struct RankIntervalsTests {
    @Test("On synthetic sweeps with known θ the 95% rank interval covers the true rank for 90–99% of runs",
          arguments: [(k: 1, seed: UInt64(11)), (k: 2, seed: UInt64(12)), (k: 3, seed: UInt64(13))])
    func coverage(k: Int, seed: UInt64) throws {
        let truth = SyntheticSweep(runs: 200, tasks: 24, factors: k, seed: seed, noiseRuns: 0)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rank-\(k)-\(seed).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try truth.writeSweep(to: url)
        let result = try Analysis(sweep: EvalMatrix(contentsOf: url), options: AnalysisOptions(
            draws: 20, threads: 1, fit: FitOptions(factors: k), rankDraws: 2000).withoutFitChecks).run()
        let theta = truth.trueScores()
        let trueAggregate = (0..<theta.rows).map { i in theta.row(i).reduce(0, +) / Double(k) }
        let trueRank = RankIntervals.pointRanks(trueAggregate)
        let index = Dictionary(uniqueKeysWithValues: result.runNames.enumerated().map { ($1, $0) })
        var covered = 0, width = 0
        for e in result.leaderboard {
            let r = trueRank[index[e.runName]!]
            if e.rankInterval[0] <= r && r <= e.rankInterval[1] { covered += 1 }
            width += e.rankInterval[1] - e.rankInterval[0] + 1
        }
        let share = Double(covered) / Double(result.nRuns)
        print("k = \(k): true rank covered for \(covered)/\(result.nRuns) runs (\(share)), mean interval width \(Double(width) / Double(result.nRuns)) ranks")
        #expect(share >= 0.90 && share <= 0.99)
        #expect(abs(result.leaderboard.map(\.pBest).reduce(0, +) - 1) < 1e-12)
    }

    @Test("Σ p_best = 1, intervals contain the point rank, and 1 or 2 threads give identical results",
          arguments: [0, 1, 2, 7, 300])
    func properties(n: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(n) + 5)
        var normal = NormalSampler()
        let means = (0..<n).map { _ in normal.next(using: &rng) }
        let sds = (0..<n).map { _ in 0.05 + 0.3 * Double(rng.next() >> 11) * 0x1.0p-53 }
        let one = RankIntervals(aggregates: means, sds: sds, draws: 500, seed: 3, threads: 1)
        let two = RankIntervals(aggregates: means, sds: sds, draws: 500, seed: 3, threads: 2)
        #expect(one == two)
        #expect(one.rank.count == n && one.interval.count == n)
        if n > 0 { #expect(abs(one.pBest.reduce(0, +) - 1) < 1e-12) }
        for i in 0..<n {
            #expect(one.interval[i][0] >= 1 && one.interval[i][1] <= n && one.interval[i][0] <= one.interval[i][1])
        }
        if n == 1 { #expect(one.interval == [[1, 1]] && one.pBest == [1] && one.rank == [1]) }
        // Another seed, other draws.
        if n >= 7 { #expect(RankIntervals(aggregates: means, sds: sds, draws: 500, seed: 4).pBest != one.pBest) }
    }

    @Test("Zero posterior sd: every interval is the point rank")
    func certain() {
        let r = RankIntervals(aggregates: [0.3, 1.0, -2.0, 0.5], sds: [0, 0, 0, 0], draws: 50)
        #expect(r.rank == [3, 1, 4, 2])
        #expect(r.interval == [[3, 3], [1, 1], [4, 4], [2, 2]])
        #expect(r.pBest == [0, 1, 0, 0])
    }

    @Test("A new run identical to a sweep run ranks where it does; countAbove matches a linear count")
    func amongSweep() throws {
        let model = try #require(SharedRuns.defaults[.fixed]?.model)
        let i = 17
        let among = RankAmongSweep(aggregates: [model.sweep.aggregate[i]], sds: [model.sweep.aggregateSD[i]],
                                   sweep: model.sweep, draws: 1000, seed: 1)
        let pointRank = RankIntervals.pointRanks(model.sweep.aggregate)[i]
        #expect(among.rank == [pointRank])
        #expect(among.interval[0][0] <= pointRank && pointRank <= among.interval[0][1] + 1)
        let sorted = model.sweep.aggregate.sorted(by: >)
        for x in [-10, sorted[5], sorted[100], 0, 10] {
            #expect(RankAmongSweep.countAbove(x, in: sorted) == sorted.filter { $0 > x }.count)
        }
    }

    @Test("Short task names: shared segments dropped, ambiguous ones lengthened")
    func shortNames() {
        #expect(FactorLabels.shortNames(["lm_eval/arc_easy/bpb", "lm_eval/piqa/bpb", "eval/paloma/c4_en/bpb"])
                == ["arc_easy", "piqa", "c4_en"])
        #expect(FactorLabels.shortNames(["lm_eval/mmlu_5shot/bpb", "mcq_smooth/mmlu_5shot/bpb", "lm_eval/sciq/bpb"])
                == ["lm_eval/mmlu_5shot", "mcq_smooth/mmlu_5shot", "sciq"])
        #expect(FactorLabels.shortNames(["ARC", "HellaSwag"]) == ["ARC", "HellaSwag"])
        #expect(FactorLabels.shortNames(["only/one"]) == ["one"])
        #expect(FactorLabels.shortNames([]) == [])
    }

    @Test("Factor labels: three highest-loading tasks; repeated labels get the factor number")
    func labels() throws {
        let tasks = ["a/x/bpb", "a/y/bpb", "a/z/bpb", "a/w/bpb"]
        let l = try Matrix(rows: [[0.9, 0.1], [0.2, 0.8], [0.5, 0.7], [0.1, 0.0]])
        #expect(FactorLabels.make(tasks: tasks, loadings: l) == ["x + z + y", "y + z + x"])
        let same = try Matrix(rows: [[0.9, 0.9], [0.2, 0.2], [0, 0], [0, 0]])
        #expect(FactorLabels.make(tasks: tasks, loadings: same, perFactor: 2) == ["x + y (factor 1)", "x + y (factor 2)"])
        let dead = try Matrix(rows: [[0.9, 0], [0.2, 0], [0, 0], [0, 0]])
        #expect(FactorLabels.make(tasks: tasks, loadings: dead)[1] == "factor 2")
    }
}
