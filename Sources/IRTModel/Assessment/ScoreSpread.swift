import Linalg

/// How much the leaderboard moves between fits that reach the same
/// likelihood from different starting points — with weakly identified loadings
/// they share `Σ = ΛΛᵀ + Ψ` but not Λ, so their scores differ by a rotation
/// (METHOD.md §6, "What is identified"). `fit.score_spread` in `result.json`.
public struct ScoreSpread: Sendable, Codable, Equatable {
    /// Fits compared: the reported one and the other starts that reached its ℓ
    /// (within 1e-7 relative) and converged.
    public let fitsCompared: Int
    /// The lowest Pearson correlation of the runs' aggregate scores between any two of them.
    public let lowestCorrelation: Double
    /// The largest change of any run's rank (by aggregate, 1 = best) between any two of them.
    public let largestRankMove: Int
    /// The run that moves most, and its ranks in the two fits (the reported fit's first when it is one of them).
    public let run: String
    public let ranks: [Int]

    enum CodingKeys: String, CodingKey {
        case fitsCompared = "fits_compared", lowestCorrelation = "lowest_correlation"
        case largestRankMove = "largest_rank_move", run, ranks
    }

    /// Compares the aggregates of several fits of the same runs.
    ///
    /// - Parameters:
    ///   - aggregates: one array per fit, the reported fit first, each over the same runs.
    ///   - runNames: the runs, in the arrays' order.
    /// - Returns: `nil` for fewer than two fits or fewer than two runs.
    /// - Complexity: O(f² n) for f fits of n runs (plus O(f n log n) to rank them).
    public init?(aggregates: [[Double]], runNames: [String]) {
        let n = runNames.count
        guard aggregates.count >= 2, n >= 2, aggregates.allSatisfy({ $0.count == n }) else { return nil }
        let ranks = aggregates.map(RankIntervals.pointRanks)
        var lowest = 1.0, move = -1, who = 0, pair = (0, 1)
        for f in aggregates.indices {
            for g in aggregates.indices where g > f {
                lowest = Swift.min(lowest, (try? Statistics.pearson(aggregates[f], aggregates[g])) ?? .nan)
                for r in 0..<n where Swift.abs(ranks[f][r] - ranks[g][r]) > move {
                    move = Swift.abs(ranks[f][r] - ranks[g][r]); who = r; pair = (f, g)
                }
            }
        }
        fitsCompared = aggregates.count
        lowestCorrelation = lowest
        largestRankMove = move
        run = runNames[who]
        self.ranks = [ranks[pair.0][who], ranks[pair.1][who]]
    }
}
