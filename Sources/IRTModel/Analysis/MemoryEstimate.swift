import Foundation

/// The memory an analysis's p × p steps need, estimated from the shape of
/// the sweep before any of them runs, so that a sweep too wide for the
/// machine is refused with a message saying how many tasks fit, instead of
/// ending in a fatal allocation failure (100,000 tasks on 2 threads need about 0.8 TB).
///
/// Counted in 8-byte doubles, for p tasks, n runs, `draws` Monte Carlo
/// draws and T worker threads:
///
/// ```
/// main    = 8 p²                       the correlation matrix S; the fit statistics' Σ̂, its
///                                      Cholesky factor, that of S, Σ̂⁻¹S and the residuals
///                                      (kept for the fit, and for k − 1 and k + 1)
/// horn    = T (n p + p² + 2p + 1)      per thread: a draw, its correlation matrix, the
///                                      eigenvalue workspace (dsyevd, values only)
///         = T (3 n p + 5 p² + 2p + 1)  with gaps (MaskedNullDraw: mask, draw, squares;
///                                      counts, three products, the correlation)
/// draws   = draws · p                  Horn's null eigenvalues
/// bytes   = 8 (main + horn + draws)
/// ```
///
/// The terms are added although they are not all alive at once, so the
/// estimate errs high by at most the smaller of `main` and `horn`. What the
/// n × p data take is not counted: it is already in memory when this runs.
public struct MemoryEstimate: Sendable, Equatable {
    /// Tasks p.
    public let tasks: Int
    /// Runs n.
    public let runs: Int
    /// Horn's Monte Carlo draws.
    public let draws: Int
    /// Worker threads of Horn's draws.
    public let threads: Int
    /// Whether the sweep has gaps (Horn's masked draws).
    public let gaps: Bool

    public init(tasks: Int, runs: Int, draws: Int, threads: Int, gaps: Bool) {
        self.tasks = tasks
        self.runs = runs
        self.draws = draws
        self.threads = threads
        self.gaps = gaps
    }

    /// The estimated peak, in bytes (a `Double`: 10⁶ tasks would overflow no integer, but would be close).
    public var bytes: Double { Self.bytes(tasks: Double(tasks), runs: Double(runs), draws: Double(draws),
                                          threads: Double(Swift.max(threads, 1)), gaps: gaps) }

    private static func bytes(tasks p: Double, runs n: Double, draws: Double, threads t: Double, gaps: Bool) -> Double {
        let main = 8 * p * p
        let perThread = gaps ? 3 * n * p + 5 * p * p + 2 * p + 1 : n * p + p * p + 2 * p + 1
        return 8 * (main + t * perThread + draws * p)
    }

    /// The most tasks whose estimate stays within `limit` bytes, for these runs, draws, threads and gaps (0 if none).
    public func maximumTasks(within limit: Double) -> Int {
        func fits(_ p: Int) -> Bool {
            Self.bytes(tasks: Double(p), runs: Double(runs), draws: Double(draws),
                       threads: Double(Swift.max(threads, 1)), gaps: gaps) <= limit
        }
        guard fits(1) else { return 0 }
        var lo = 1, hi = 2
        while fits(hi) && hi < Int.max / 4 { lo = hi; hi *= 2 }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if fits(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// The default limit: half the machine's physical memory
    /// (`ProcessInfo.processInfo.physicalMemory / 2`), leaving the other half
    /// to the data, the report and everything else the machine runs. When the
    /// physical memory cannot be read (reported as 0), there is no limit.
    public static var defaultLimit: Int {
        let physical = ProcessInfo.processInfo.physicalMemory
        return physical > 0 ? Int(clamping: physical / 2) : Int.max
    }

    /// `bytes` for people: "80.0 GB", "512 MB" (decimal units).
    public static func text(bytes: Double) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (size, name) in units where bytes >= size {
            let value = bytes / size
            return (value < 100 ? String(format: "%.1f", value) : String(format: "%.0f", value)) + " " + name
        }
        return String(format: "%.0f", bytes) + " bytes"
    }
}
