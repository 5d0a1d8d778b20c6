import Foundation
import Linalg

/// "Is run A really better than run B?" from the joint draws of the runs'
/// aggregates (``AggregateNoise``), the same draws as the rank intervals:
///
/// ```
/// p_better(A, B) = P(x_A > x_B)               share of draws in which A's aggregate is above B's
/// tie group = { r : p_better(best, r) < 0.975 }   runs not told apart from the best at 95% (two-sided)
/// ```
///
/// Draw d uses the generators of ``AggregateNoise/sample(draw:seed:into:)``, so
/// with the same seed these are the draws behind ``RankIntervals``.
public struct PairwiseComparison: Sendable, Equatable {
    /// Indices of the compared runs (the top runs by point estimate, best first).
    public let runs: [Int]
    /// `pBetter[a][b] = P(x_runs[a] > x_runs[b])` (0.5 on the diagonal).
    public let pBetter: [[Double]]
    /// The run with the highest point estimate, and per run `P(x_best > x_r)` (0.5 for the best itself).
    public let best: Int?
    public let pBestAbove: [Double]
    /// Indices of the runs that cannot be told apart from the best at 95%, best first by point estimate.
    public let tieGroup: [Int]
    /// Draws used.
    public let draws: Int

    /// The threshold of the tie group: one side of a two-sided 95% decision.
    public static let decisive = 0.975

    /// Compares the `top` best runs pairwise and every run with the best.
    ///
    /// The draws are shared among `threads` workers (default: the active
    /// processors); the counts, and so every share, do not depend on how many.
    ///
    /// - Complexity: O(draws · (n + top²)).
    public init(noise: AggregateNoise, top: Int = 20, draws: Int = 2000, seed: UInt64 = 0, threads: Int? = nil) {
        precondition(draws >= 1 && top >= 0)
        let n = noise.aggregates.count
        let order = RankIntervals.pointRanks(noise.aggregates).enumerated().sorted { $0.element < $1.element }.map(\.offset)
        let compared = Array(order.prefix(top))
        runs = compared
        self.draws = draws
        guard let b = order.first else {
            best = nil; pBestAbove = []; tieGroup = []; pBetter = []
            return
        }
        best = b
        let workers = Swift.max(1, Swift.min(threads ?? ProcessInfo.processInfo.activeProcessorCount, draws))
        let counts = ParallelMap.map(workers, threads: workers) { w in
            Self.count(noise, seed: seed, best: b, compared: compared, draws: (w * draws / workers)..<((w + 1) * draws / workers))
        }
        var above = counts[0].above, pair = counts[0].pair
        for part in counts.dropFirst() {
            for i in 0..<n { above[i] += part.above[i] }
            for a in compared.indices { for c in compared.indices { pair[a][c] += part.pair[a][c] } }
        }
        let total = Double(draws)
        var pAbove = above.map { Double($0) / total }
        pAbove[b] = 0.5
        pBestAbove = pAbove
        pBetter = compared.indices.map { a in
            compared.indices.map { c in a == c ? 0.5 : Double(pair[a][c]) / total }
        }
        tieGroup = order.filter { pAbove[$0] < Self.decisive }
    }

    /// Over `draws`: per run, the draws in which `best` is above it, and per
    /// pair of `compared` runs, the draws in which the first is above the second.
    private static func count(_ noise: AggregateNoise, seed: UInt64, best b: Int, compared: [Int],
                              draws: Range<Int>) -> (above: [Int], pair: [[Int]]) {
        let n = noise.aggregates.count
        var above = [Int](repeating: 0, count: n)
        var pair = [[Int]](repeating: [Int](repeating: 0, count: compared.count), count: compared.count)
        var x = [Double](repeating: 0, count: n)
        for d in draws {
            noise.sample(draw: d, seed: seed, into: &x)
            for i in 0..<n where x[b] > x[i] { above[i] += 1 }
            for a in compared.indices {
                for c in compared.indices where x[compared[a]] > x[compared[c]] { pair[a][c] += 1 }
            }
        }
        return (above, pair)
    }
}
