import Foundation

/// How certain each run's rank is: the 95% interval of its aggregate rank and
/// its probability of ranking first, from joint draws of every run's aggregate
/// (``AggregateNoise``: seed noise measured on replicates, or the model's posterior).
///
/// In draw d every run is ranked (rank 1 = highest aggregate);
/// `rank_interval` is the [2.5%, 97.5%] range of its ranks over the draws
/// (order statistics, rounded outward), `p_best` the share of draws in which it
/// ranked first (so `Σ p_best = 1`). The uncertainty of the fitted loadings
/// themselves is not included.
///
/// Draw d uses its own generator, seeded from `(seed, d)`, so the result
/// depends on the seed and never on the thread count.
public struct RankIntervals: Sendable, Equatable {
    /// Per run, in input order: the 1-based rank of its point estimate.
    public let rank: [Int]
    /// Per run: the 95% interval `[low, high]` of its rank (1-based, low ≤ high).
    public let interval: [[Int]]
    /// Per run: the probability of ranking first.
    public let pBest: [Double]
    /// Draws used, and their seed.
    public let draws: Int
    public let seed: UInt64

    /// Ranks `aggregates` (with posterior sds `sds`) among themselves.
    ///
    /// - Parameters:
    ///   - aggregates: the point estimates `â_i`.
    ///   - sds: their posterior sds `s_i` (≥ 0).
    ///   - draws: joint draws (≥ 1).
    ///   - seed: seed of the draws.
    ///   - threads: worker threads (`nil`: all cores); never changes the result.
    /// - Complexity: O(draws · n log n) time, O(draws · n) memory (ranks as 32-bit integers).
    public init(aggregates: [Double], sds: [Double], draws: Int = 2000, seed: UInt64 = 0, threads: Int? = nil) {
        precondition(aggregates.count == sds.count, "one sd per aggregate")
        self.init(noise: AggregateNoise(aggregates: aggregates, law: .posterior(sds: sds)), draws: draws, seed: seed,
                  threads: threads)
    }

    /// Ranks the runs of `noise` among themselves, from joint draws of its law
    /// (seed noise with its estimate's uncertainty, or the model's posterior).
    ///
    /// - Parameters:
    ///   - noise: the runs' aggregates and how they vary.
    ///   - draws: joint draws (≥ 1).
    ///   - seed: seed of the draws.
    ///   - threads: worker threads (`nil`: all cores); never changes the result.
    /// - Complexity: O(draws · n log n) time, O(draws · n) memory (ranks as 32-bit integers).
    public init(noise: AggregateNoise, draws: Int = 2000, seed: UInt64 = 0, threads: Int? = nil) {
        precondition(draws >= 1, "at least one draw")
        let aggregates = noise.aggregates
        let n = aggregates.count
        self.draws = draws
        self.seed = seed
        rank = Self.pointRanks(aggregates)
        guard n > 0 else { interval = []; pBest = []; return }
        // ranks[d * n + i]: rank of run i in draw d.
        let ranks = UnsafeMutableBufferPointer<Int32>.allocate(capacity: draws * n)
        defer { ranks.deallocate() }
        let workers = Swift.max(1, Swift.min(threads ?? ProcessInfo.processInfo.activeProcessorCount, draws))
        let chunk = (draws + workers - 1) / workers
        let base = ranks.baseAddress!
        nonisolated(unsafe) let output = base
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var sample = [Double](repeating: 0, count: n)
            var order = Array(0..<n)
            for d in (w * chunk)..<Swift.min(draws, (w + 1) * chunk) {
                noise.sample(draw: d, seed: seed, into: &sample)
                for i in 0..<n { order[i] = i }
                order.sort { sample[$0] > sample[$1] || (sample[$0] == sample[$1] && $0 < $1) }
                for (r, i) in order.enumerated() { output[d * n + i] = Int32(r + 1) }
            }
        }
        var intervals: [[Int]] = [], best: [Double] = []
        var column = [Int32](repeating: 0, count: draws)
        for i in 0..<n {
            for d in 0..<draws { column[d] = base[d * n + i] }
            column.sort()
            let (lo, hi) = Self.centralRange(column)
            intervals.append([lo, hi])
            best.append(Double(column.prefix { $0 == 1 }.count) / Double(draws))
        }
        interval = intervals
        pBest = best
    }

    /// Ranks 1…n of `values`, highest first (ties keep input order).
    public static func pointRanks(_ values: [Double]) -> [Int] {
        let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Int](repeating: 0, count: values.count)
        for (r, i) in order.enumerated() { ranks[i] = r + 1 }
        return ranks
    }

    /// The [2.5%, 97.5%] order statistics of sorted ranks, rounded outward.
    static func centralRange(_ sorted: [Int32]) -> (Int, Int) {
        let m = sorted.count
        let lo = Int(Foundation.floor(0.025 * Double(m - 1)))
        let hi = Int(Foundation.ceil(0.975 * Double(m - 1)))
        return (Int(sorted[lo]), Int(sorted[hi]))
    }
}
