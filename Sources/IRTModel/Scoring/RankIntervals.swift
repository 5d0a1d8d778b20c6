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
    /// - Complexity: O(draws · n log n) time; O(min(draws, workers · n) · n) memory:
    ///   ranks counted per run in histograms over 1…n when that is smaller (``RankHistogram``),
    ///   else kept per draw as 32-bit integers. The results are the same either way.
    public init(noise: AggregateNoise, draws: Int = 2000, seed: UInt64 = 0, threads: Int? = nil) {
        self.init(noise: noise, draws: draws, seed: seed, threads: threads, streaming: nil)
    }

    /// As ``init(noise:draws:seed:threads:)``, with the memory layout forced
    /// (`streaming`: histograms or kept draws; `nil` chooses by size) — to test that both agree.
    init(noise: AggregateNoise, draws: Int, seed: UInt64, threads: Int?, streaming: Bool?) {
        precondition(draws >= 1, "at least one draw")
        let aggregates = noise.aggregates
        let n = aggregates.count
        self.draws = draws
        self.seed = seed
        rank = Self.pointRanks(aggregates)
        guard n > 0 else { interval = []; pBest = []; return }
        let workers = Swift.max(1, Swift.min(threads ?? ProcessInfo.processInfo.activeProcessorCount, draws))
        // Worker w draws w·draws/workers ..< (w+1)·draws/workers: every range in bounds for any
        // draws ≥ workers (draws 5 on 4 workers: 1, 1, 1, 2), and the draws are seeded by index.
        @Sendable func share(_ w: Int) -> Range<Int> { (w * draws / workers)..<((w + 1) * draws / workers) }
        var intervals: [[Int]] = [], best: [Double] = []
        if streaming ?? Self.streams(runs: n, draws: draws, workers: workers) {
            // One histogram of ranks per worker, merged: O(workers · n²) memory, not O(draws · n).
            let histograms = UnsafeMutableBufferPointer<RankHistogram>.allocate(capacity: workers)
            defer { histograms.deinitialize(); histograms.deallocate() }
            _ = histograms.initialize(from: repeatElement(RankHistogram(runs: 0, ranks: 0), count: workers))
            nonisolated(unsafe) let slots = histograms.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var histogram = RankHistogram(runs: n, ranks: n)
                Self.rankDraws(noise, seed: seed, share(w)) { _, i, r in histogram.add(run: i, rank: r) }
                slots[w] = histogram
            }
            var total = histograms[0]
            for w in 1..<workers { total.merge(histograms[w]) }
            for i in 0..<n {
                let (lo, hi) = total.centralRange(run: i, draws: draws)
                intervals.append([lo, hi])
                best.append(Double(total.count(run: i, rank: 1)) / Double(draws))
            }
        } else {
            // ranks[d * n + i]: rank of run i in draw d.
            let ranks = UnsafeMutableBufferPointer<Int32>.allocate(capacity: draws * n)
            defer { ranks.deallocate() }
            let base = ranks.baseAddress!
            nonisolated(unsafe) let output = base
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                Self.rankDraws(noise, seed: seed, share(w)) { d, i, r in output[d * n + i] = Int32(r) }
            }
            var column = [Int32](repeating: 0, count: draws)
            for i in 0..<n {
                for d in 0..<draws { column[d] = base[d * n + i] }
                column.sort()
                let (lo, hi) = Self.centralRange(column)
                intervals.append([lo, hi])
                best.append(Double(column.prefix { $0 == 1 }.count) / Double(draws))
            }
        }
        interval = intervals
        pBest = best
    }

    /// Ranks every run in each draw of `range`, handing `record(d, i, rank)` each rank.
    private static func rankDraws(_ noise: AggregateNoise, seed: UInt64, _ range: Range<Int>,
                                  _ record: (Int, Int, Int) -> Void) {
        let n = noise.aggregates.count
        var sample = [Double](repeating: 0, count: n)
        var order = Array(0..<n)
        var keys = [RankKey](repeating: RankKey(key: 0, index: 0), count: n)
        for d in range {
            noise.sample(draw: d, seed: seed, into: &sample)
            if sample.contains(where: { $0.isNaN }) {
                for i in 0..<n { order[i] = i }
                order.sort { sample[$0] > sample[$1] || (sample[$0] == sample[$1] && $0 < $1) }
            } else {
                // Without NaN the comparator is a total order (ties go to the lower
                // index), so sorting (descending value, index) keys gives the same ranks.
                for i in 0..<n { keys[i] = RankKey(key: descendingKey(sample[i]), index: i) }
                keys.sort()
                for r in 0..<n { order[r] = keys[r].index }
            }
            for (r, i) in order.enumerated() { record(d, i, r + 1) }
        }
    }

    /// A run's place in one draw: its value's ``descendingKey(_:)``, then its index.
    struct RankKey: Comparable {
        let key: UInt64
        let index: Int

        static func < (a: RankKey, b: RankKey) -> Bool { a.key < b.key || (a.key == b.key && a.index < b.index) }
    }

    /// A key that sorts ascending as `x` sorts descending, with −0 and +0 equal
    /// (`x` not NaN): the sign-magnitude bits of `x + 0` turned into an unsigned
    /// order, then complemented.
    static func descendingKey(_ x: Double) -> UInt64 {
        let bits = (x + 0).bitPattern
        let ascending = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return ~ascending
    }

    /// Whether the ranks are counted in histograms (``RankHistogram``, O(workers · n²)
    /// memory) rather than kept per draw (O(draws · n)): when that is no larger.
    static func streams(runs n: Int, draws: Int, workers: Int) -> Bool {
        let (histogram, kept) = workers.multipliedReportingOverflow(by: n)
        return !kept && histogram <= draws
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
        let (lo, hi) = centralPositions(sorted.count)
        return (Int(sorted[lo]), Int(sorted[hi]))
    }

    /// The 0-based positions of the [2.5%, 97.5%] order statistics among m sorted values, rounded outward.
    static func centralPositions(_ m: Int) -> (Int, Int) {
        (Int(Foundation.floor(0.025 * Double(m - 1))), Int(Foundation.ceil(0.975 * Double(m - 1))))
    }
}
