/// Per run, how many draws put it at each rank 1…ranks: the exact law of its
/// rank over the draws in `runs × ranks` counters, whatever the number of draws.
///
/// Rank intervals are order statistics of a run's ranks over the draws; ranks
/// are integers, so the counts per rank determine every order statistic
/// exactly — keeping counts instead of the draws' ranks gives the same
/// intervals in O(runs · ranks) memory instead of O(runs · draws) (1,000 runs
/// × 10⁶ draws: 4 MB instead of 4 GB). Counts add, so histograms filled by
/// several workers merge to the same result in any order.
struct RankHistogram: Sendable {
    let runs: Int
    let ranks: Int
    /// `counts[i * ranks + (r − 1)]`: draws in which run i took rank r.
    private(set) var counts: [UInt32]

    init(runs: Int, ranks: Int) {
        self.runs = runs
        self.ranks = ranks
        counts = [UInt32](repeating: 0, count: runs * ranks)
    }

    /// Counts one draw in which run `run` took rank `rank` (1-based).
    @inline(__always) mutating func add(run: Int, rank: Int) { counts[run * ranks + rank - 1] &+= 1 }

    /// Adds another histogram's counts (same shape).
    mutating func merge(_ other: RankHistogram) {
        precondition(other.runs == runs && other.ranks == ranks)
        for c in counts.indices { counts[c] &+= other.counts[c] }
    }

    /// Draws in which `run` took `rank`.
    func count(run: Int, rank: Int) -> Int { Int(counts[run * ranks + rank - 1]) }

    /// The rank at 0-based position `position` of the run's ranks sorted ascending.
    func orderStatistic(run: Int, position: Int) -> Int {
        var seen = 0
        for r in 0..<ranks {
            seen += Int(counts[run * ranks + r])
            if seen > position { return r + 1 }
        }
        return ranks
    }

    /// The [2.5%, 97.5%] order statistics of the run's ranks over `draws`, rounded
    /// outward: ``RankIntervals/centralRange(_:)`` of the sorted ranks, exactly.
    func centralRange(run: Int, draws: Int) -> (Int, Int) {
        let (lo, hi) = RankIntervals.centralPositions(draws)
        return (orderStatistic(run: run, position: lo), orderStatistic(run: run, position: hi))
    }
}
