import Foundation
@testable import IRTModel
import Testing

/// Rank draws are counted per rank (a histogram per run), not kept per draw:
/// 1,000 runs × 10⁶ draws needs O(runs²) memory, not 4 GB, and the intervals
/// and p_best are those of the kept draws exactly, for any thread count.
@Suite("Rank draws streamed")
struct RankDrawsStreamingTests {
    static func noise(_ n: Int, seed: UInt64) -> AggregateNoise {
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        let means = (0..<n).map { _ in normal.next(using: &rng) }
        let sds = (0..<n).map { _ in 0.2 + abs(normal.next(using: &rng)) }
        return AggregateNoise(aggregates: means, law: .posterior(sds: sds))
    }

    @Test("Histogram counts give the kept draws' intervals and p_best exactly, with 1, 2 or 3 threads; the large case streams")
    func rankDrawsStreamed() throws {
        for (n, draws) in [(1, 5), (2, 3), (40, 2001), (120, 500)] {
            let noise = Self.noise(n, seed: UInt64(n))
            let kept = RankIntervals(noise: noise, draws: draws, seed: 9, threads: 1, streaming: false)
            for threads in [1, 2, 3, 4, 6] {  // 5 draws on 4 workers, 3 on 6: uneven shares
                let streamed = RankIntervals(noise: noise, draws: draws, seed: 9, threads: threads, streaming: true)
                #expect(streamed == kept, "n = \(n), draws = \(draws), \(threads) thread(s)")
            }
            #expect(RankIntervals(noise: noise, draws: draws, seed: 9, threads: 2) == kept)
        }
        // The documented maximum: 1,000 runs × 10⁶ draws streams (4 MB of counts per worker, not 4 GB of draws).
        #expect(RankIntervals.streams(runs: 1000, draws: 1_000_000, workers: 64))
        #expect(!RankIntervals.streams(runs: 10_000, draws: 2000, workers: 1))
        #expect(!RankIntervals.streams(runs: Int.max / 2, draws: 2000, workers: 4))
    }

    @Test("RankHistogram's order statistics are those of the sorted ranks")
    func histogramOrderStatistics() {
        let ranks: [Int32] = [3, 1, 4, 1, 5, 2, 6, 2, 5, 3, 5]
        var histogram = RankHistogram(runs: 1, ranks: 6)
        for r in ranks { histogram.add(run: 0, rank: Int(r)) }
        let sorted = ranks.sorted()
        for q in sorted.indices { #expect(histogram.orderStatistic(run: 0, position: q) == Int(sorted[q])) }
        let (lo, hi) = histogram.centralRange(run: 0, draws: ranks.count)
        #expect((lo, hi) == RankIntervals.centralRange(sorted))
        #expect(histogram.count(run: 0, rank: 5) == 3)
    }

    @Test("Ranks among the sweep: streamed (draws > n) and kept (draws ≤ n) agree with a direct count")
    func rankAmongSweepStreamed() {
        let sweep = Self.noise(30, seed: 1), runs = Self.noise(4, seed: 2)
        for draws in [10, 31, 400] {
            let ranked = RankAmongSweep(runs: runs, sweep: sweep, draws: draws, seed: 5)
            // The same draws, ranked and sorted here.
            var columns = [[Int32]](repeating: [], count: 4)
            var sample = [Double](repeating: 0, count: 30), own = [Double](repeating: 0, count: 4)
            for d in 0..<draws {
                sweep.sample(draw: d, seed: 5, into: &sample)
                runs.sample(draw: d, seed: ~5, into: &own)
                for i in 0..<4 { columns[i].append(Int32(1 + sample.filter { $0 > own[i] }.count)) }
            }
            for i in 0..<4 {
                let (lo, hi) = RankIntervals.centralRange(columns[i].sorted())
                #expect(ranked.interval[i] == [lo, hi], "draws \(draws), run \(i)")
            }
        }
    }
}
