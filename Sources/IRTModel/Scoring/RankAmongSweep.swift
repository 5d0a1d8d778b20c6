import Foundation

/// Where new runs would rank among a model's sweep, with the uncertainty of
/// both: in draw d the sweep's aggregates are drawn as in ``RankIntervals``
/// (same seeded streams) and each new run's own from its law (``AggregateNoise``);
/// its rank is 1 + the number of sweep runs above it. The uncertainty of the
/// fitted loadings themselves is not included.
public struct RankAmongSweep: Sendable, Equatable {
    /// Per new run: the rank of its point estimate among the sweep's point estimates (1 = best).
    public let rank: [Int]
    /// Per new run: the 95% interval `[low, high]` of that rank.
    public let interval: [[Int]]

    /// - Parameters:
    ///   - aggregates: the new runs' aggregates.
    ///   - sds: their posterior sds.
    ///   - sweep: the model's sweep (aggregates and sds).
    ///   - draws: joint draws, as in ``RankIntervals``.
    ///   - seed: seed of the draws, as in ``RankIntervals``.
    /// - Complexity: O(draws · (n log n + m log n)) for n sweep runs and m new runs.
    public init(aggregates: [Double], sds: [Double], sweep: FittedModel.Sweep, draws: Int = 2000, seed: UInt64 = 0) {
        precondition(aggregates.count == sds.count && draws >= 1)
        self.init(runs: AggregateNoise(aggregates: aggregates, law: .posterior(sds: sds)),
                  sweep: AggregateNoise(aggregates: sweep.aggregate, law: .posterior(sds: sweep.aggregateSD)),
                  draws: draws, seed: seed)
    }

    /// Ranks the runs of `runs` among those of `sweep`, each with its own law
    /// (``AggregateNoise``: with seed noise, both share the draw's χ² scale
    /// when they share its ``AggregateNoise/scaleSeed``).
    ///
    /// - Complexity: O(draws · (n log n + m log n)) time for n sweep runs and m new runs;
    ///   O(m · min(n + 1, draws)) memory (ranks counted per rank when that is smaller, ``RankHistogram``).
    public init(runs: AggregateNoise, sweep: AggregateNoise, draws: Int = 2000, seed: UInt64 = 0) {
        precondition(draws >= 1)
        let aggregates = runs.aggregates
        let m = aggregates.count, n = sweep.aggregates.count
        let sortedSweep = sweep.aggregates.sorted(by: >)
        // A value within rounding of a sweep run's ties with it, in the new run's
        // favour: a sweep run scored again takes its own rank.
        rank = aggregates.map { 1 + Self.countAbove($0 + 1e-12 * Swift.max(1, Swift.abs($0)), in: sortedSweep) }
        var sample = [Double](repeating: 0, count: n), own = [Double](repeating: 0, count: m)
        /// Each draw's rank of every new run, handed to `record(d, i, rank)`.
        func rankDraws(_ record: (Int, Int, Int) -> Void) {
            for d in 0..<draws {
                sweep.sample(draw: d, seed: seed, into: &sample)
                sample.sort(by: >)
                runs.sample(draw: d, seed: ~seed, into: &own)
                for i in 0..<m { record(d, i, 1 + Self.countAbove(own[i], in: sample)) }
            }
        }
        if n + 1 <= draws {
            // Counts per rank 1…n+1 (``RankHistogram``): O(m n) memory, not O(m · draws).
            var histogram = RankHistogram(runs: m, ranks: n + 1)
            rankDraws { _, i, r in histogram.add(run: i, rank: r) }
            interval = (0..<m).map { i in
                let (lo, hi) = histogram.centralRange(run: i, draws: draws)
                return [lo, hi]
            }
        } else {
            var ranks = [[Int32]](repeating: [Int32](repeating: 0, count: draws), count: m)
            rankDraws { d, i, r in ranks[i][d] = Int32(r) }
            interval = ranks.map { column in
                let (lo, hi) = RankIntervals.centralRange(column.sorted())
                return [lo, hi]
            }
        }
    }

    /// How many of `descending` are strictly above `x` (binary search).
    public static func countAbove(_ x: Double, in descending: [Double]) -> Int {
        var lo = 0, hi = descending.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if descending[mid] > x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
