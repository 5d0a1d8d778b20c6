import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// How the leaderboard moves between the mean of θ and another aggregate, and
/// the aggregate options through a whole analysis.
@Suite("Aggregate comparison and definitions in the analysis")
struct AggregateComparisonTests {
    @Test("Spearman's ρ equals 1 − 6Σd²/(n(n² − 1)) without ties, and uses mid-ranks with ties", arguments: [2, 3, 10, 57])
    func spearman(n: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(n))
        var normal = NormalSampler()
        let x = (0..<n).map { _ in normal.next(using: &rng) }
        let y = x.map { $0 + normal.next(using: &rng) }
        let rx = RankIntervals.pointRanks(x), ry = RankIntervals.pointRanks(y)
        let d2 = zip(rx, ry).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let formula = 1 - 6 * d2 / (Double(n) * (Double(n * n) - 1))
        #expect(abs(AggregateComparison.spearman(x, y) - formula) < 1e-12)
        #expect(abs(AggregateComparison.spearman(x, x.map { exp($0) }) - 1) < 1e-12)
    }

    @Test("Ties take their mean rank; a constant or too short sample gives NaN")
    func ties() {
        // Mid-ranks of [1, 2, 2, 3] are [1, 2.5, 2.5, 4]; Pearson with [1, 2, 3, 4] is 0.9486833.
        #expect(abs(AggregateComparison.spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 3 / 10.0.squareRoot()) < 1e-12)
        #expect(AggregateComparison.spearman([1, 1, 1], [1, 2, 3]).isNaN)
        #expect(AggregateComparison.spearman([1], [1]).isNaN)
        #expect(AggregateComparison.spearman([], []).isNaN)
    }

    @Test("Runs entering and leaving the top T, and the largest rank move")
    func topMoves() {
        let names = ["a", "b", "c", "d", "e"]
        let c = AggregateComparison(from: [5, 4, 3, 2, 1], to: [5, 1, 3, 4, 2], runNames: names, factorWeights: [1], top: 3)
        #expect(c.top == 3 && c.entering == ["d"] && c.leaving == ["b"] && c.largestRankMove == 3)
        let same = AggregateComparison(from: [1, 2], to: [10, 20], runNames: ["x", "y"], factorWeights: [1])
        #expect(same.top == 2 && same.entering.isEmpty && same.leaving.isEmpty && same.spearman == 1)
        let none = AggregateComparison(from: [], to: [], runNames: [], factorWeights: [1])
        #expect(none.top == 0 && none.largestRankMove == 0)
    }

    /// A small synthetic sweep analysed with `aggregate`.
    static func analyse(_ aggregate: AggregateOptions) throws -> AnalysisResult {
        let truth = SyntheticSweep(runs: 120, tasks: 12, factors: 2, seed: 5, noiseRuns: 6)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aggregate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try truth.writeSweep(to: dir.appendingPathComponent("s.csv"))
        try truth.writeNoise(to: dir.appendingPathComponent("n.csv"))
        var options = AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 2), rankDraws: 200).withoutFitChecks
        options.aggregate = aggregate
        return try Analysis(sweep: EvalMatrix(contentsOf: dir.appendingPathComponent("s.csv")),
                            noise: EvalMatrix(contentsOf: dir.appendingPathComponent("n.csv")), options: options).run()
    }

    @Test("The balanced aggregate ranks the leaderboard, its seed noise is cᵀΣ̂c, and the comparison is the mean's against it")
    func balancedAnalysis() throws {
        let mean = try Self.analyse(AggregateOptions())
        let balanced = try Self.analyse(AggregateOptions(definition: .balanced))
        let d = try #require(balanced.aggregateDefinition)
        #expect(d.kind == .balanced && mean.aggregateDefinition?.kind == .mean)
        #expect(mean.aggregateDefinition?.factorWeights == [0.5, 0.5])
        let c = d.factorWeights
        #expect(d.balancedComparison?.factorWeights == c && mean.aggregateDefinition?.balancedComparison == d.balancedComparison)
        #expect(balanced.theta == mean.theta)
        for e in balanced.leaderboard {
            #expect(abs(e.aggregate - (c[0] * e.theta[0] + c[1] * e.theta[1])) < 1e-14)
        }
        #expect(zip(balanced.leaderboard, balanced.leaderboard.dropFirst()).allSatisfy { $0.aggregate >= $1.aggregate })
        let seed = try #require(balanced.model?.seedNoise)
        let q = (0..<2).reduce(0.0) { s, a in (0..<2).reduce(s) { $0 + c[a] * seed.covariance[a][$1] * c[$1] } }
        #expect(abs(try #require(balanced.uncertainty?.aggregateSeedSD) - q.squareRoot()) < 1e-14)
        // The comparison's ρ is that of the two leaderboards' aggregates.
        let byRun = Dictionary(uniqueKeysWithValues: mean.leaderboard.map { ($0.runName, $0.aggregate) })
        let rho = AggregateComparison.spearman(balanced.leaderboard.map { byRun[$0.runName]! },
                                               balanced.leaderboard.map(\.aggregate))
        #expect(abs(rho - d.balancedComparison!.spearman) < 1e-12)
        // The SNR of the aggregate is that of Σ c_j θ_j.
        let snr = try #require(balanced.snr)
        let sweep = balanced.theta.map { c[0] * $0[0] + c[1] * $0[1] }
        #expect(abs(snr.aggregate.varSweep - (try Statistics.variance(sweep, ddof: 1))) < 1e-12)
    }

    @Test("Given weights of the wrong count or a task-group rule that matches nothing are refused")
    func refusals() throws {
        #expect(throws: AnalysisError.aggregateWeightsCount(given: 3, factors: 2)) {
            try Self.analyse(AggregateOptions(definition: .weights([1, 1, 1])))
        }
        let rule = try TaskGroups.Rule(parsing: "nothing*=x")
        #expect(throws: AnalysisError.self) {
            try Self.analyse(AggregateOptions(taskGroups: TaskGroups(rules: [rule])))
        }
        let weighted = try Self.analyse(AggregateOptions(definition: .weights([3, 1]),
                                                         taskGroups: TaskGroups(rules: [try TaskGroups.Rule(parsing: "*_1*=one")])))
        #expect(weighted.aggregateDefinition?.factorWeights == [0.75, 0.25])
        #expect(weighted.aggregateWeights?.byGroup.contains { $0.name == "one" } == true)
    }
}
