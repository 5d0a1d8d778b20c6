import Linalg

/// How the leaderboard moves from one aggregate definition to another: the
/// default mean of θ against the balanced aggregate (METHOD.md §8a).
///
/// ```
/// ρ = Pearson r of the two aggregates' ranks over every run   (Spearman; ties take their mean rank)
/// entering = top T of `to` not in the top T of `from`,   leaving = top T of `from` not in the top T of `to`
/// ```
public struct AggregateComparison: Sendable, Codable, Equatable {
    /// The factor weights of the aggregate compared with the default.
    public let factorWeights: [Double]
    /// Spearman's ρ between the two aggregates over every run (NaN when either is constant).
    public let spearman: Double
    /// T, the size of the top compared (at most the number of runs).
    public let top: Int
    /// Runs in the other aggregate's top T that are not in the default's, by their rank there.
    public let entering: [String]
    /// Runs in the default's top T that are not in the other's, by their default rank.
    public let leaving: [String]
    /// The largest change of any run's rank (1 = best) between the two.
    public let largestRankMove: Int

    enum CodingKeys: String, CodingKey {
        case factorWeights = "factor_weights", spearman, top, entering, leaving, largestRankMove = "largest_rank_move"
    }

    /// Compares aggregates `from` (the default) and `to` of the runs `runNames`.
    ///
    /// - Parameters:
    ///   - factorWeights: the factor weights behind `to`.
    ///   - top: T (10 by default).
    /// - Precondition: one aggregate of each per run.
    /// - Complexity: O(n log n).
    public init(from: [Double], to: [Double], runNames: [String], factorWeights: [Double], top: Int = 10) {
        precondition(from.count == runNames.count && to.count == runNames.count, "one aggregate of each per run")
        self.factorWeights = factorWeights
        spearman = Self.spearman(from, to)
        let n = runNames.count, t = Swift.min(top, n)
        self.top = t
        let rankFrom = RankIntervals.pointRanks(from), rankTo = RankIntervals.pointRanks(to)
        let topFrom = runNames.indices.filter { rankFrom[$0] <= t }.sorted { rankFrom[$0] < rankFrom[$1] }
        let topTo = runNames.indices.filter { rankTo[$0] <= t }.sorted { rankTo[$0] < rankTo[$1] }
        entering = topTo.filter { rankFrom[$0] > t }.map { runNames[$0] }
        leaving = topFrom.filter { rankTo[$0] > t }.map { runNames[$0] }
        largestRankMove = runNames.indices.map { Swift.abs(rankFrom[$0] - rankTo[$0]) }.max() ?? 0
    }

    /// Spearman's ρ: the Pearson correlation of the mid-ranks of `x` and `y`
    /// (NaN for fewer than 2 values or a constant one).
    ///
    /// - Complexity: O(n log n).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "paired values")
        return (try? Statistics.pearson(midRanks(x), midRanks(y))) ?? .nan
    }

    /// Ranks 1…n in ascending order, tied values sharing the mean of their ranks.
    static func midRanks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, x[order[j + 1]] == x[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for r in i...j { ranks[order[r]] = mean }
            i = j + 1
        }
        return ranks
    }
}
